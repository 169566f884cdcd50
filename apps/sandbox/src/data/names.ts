// Small fixed vocabularies for people and places in generated tenants.
export const GIVEN_NAMES = [
  "Ada", "Alan", "Amara", "Ana", "Arjun", "Astrid", "Ben", "Bianca", "Carlos", "Chen", "Chloe", "Dara",
  "David", "Elena", "Emeka", "Emma", "Farah", "Felix", "Grace", "Hana", "Hugo", "Ines", "Isaac", "Jamal",
  "Jin", "Julia", "Kai", "Karin", "Leo", "Lina", "Lucas", "Maya", "Mei", "Mateo", "Nadia", "Nia", "Noah",
  "Olga", "Omar", "Pablo", "Priya", "Quinn", "Rafael", "Rosa", "Sam", "Sara", "Sven", "Tariq", "Tomas",
  "Uma", "Victor", "Wen", "Xavier", "Yara", "Yusuf", "Zoe",
] as const;

export const FAMILY_NAMES = [
  "Abebe", "Andersen", "Bakker", "Bianchi", "Chen", "Costa", "Dubois", "Eriksson", "Fischer", "Garcia",
  "Haddad", "Hughes", "Ivanova", "Jensen", "Kaur", "Kim", "Kowalski", "Lopez", "Martin", "Mensah",
  "Meyer", "Moreau", "Nakamura", "Novak", "Okafor", "Olsen", "Patel", "Petrov", "Quispe", "Rossi",
  "Santos", "Schmidt", "Silva", "Singh", "Tanaka", "Torres", "Usman", "Varga", "Wang", "Weber",
  "Xu", "Yilmaz", "Zhang", "Zimmermann",
] as const;

export const DOMAIN_WORDS = [
  "acme", "alder", "beacon", "birch", "cedar", "cobalt", "delta", "ember", "fjord", "granite", "harbor",
  "juniper", "kestrel", "lumen", "maple", "nimbus", "orchid", "pioneer", "quartz", "ridge", "summit",
  "tundra", "umber", "vertex", "willow", "zephyr",
] as const;
