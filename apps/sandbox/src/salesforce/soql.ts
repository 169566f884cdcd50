// A SOQL subset, enough for replication and restore checks (SOQL and SOSL Reference):
//   SELECT f1, f2, Parent.Field | COUNT() FROM Type
//   [WHERE cond {AND|OR cond} with parentheses; ops = != < > <= >= LIKE IN (…) NOT IN (…)]
//   [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET n]
// Literals: 'strings' (\' escapes), numbers, true/false/null, dates (2024-01-31) and datetimes
// (2024-01-31T10:00:00Z, …+0000, .000Z). Anything else is MALFORMED_QUERY, never ignored.
import { FieldError, str } from "./records";
import { fieldDef, sobjectDef, type FieldDef, type SObjectDef } from "./schema";

export type Literal = string | number | boolean | null | { datetime: number } | { date: string };
export type Condition =
  | { kind: "cmp"; field: string; op: "=" | "!=" | "<" | ">" | "<=" | ">=" | "LIKE"; value: Literal }
  | { kind: "in"; field: string; not: boolean; values: Literal[] }
  | { kind: "and" | "or"; left: Condition; right: Condition }
  | { kind: "not"; inner: Condition };

export interface Soql {
  def: SObjectDef;
  /** Canonical field paths ("Name", "Account.Name"); empty for COUNT(). */
  fields: string[];
  count: boolean;
  where?: Condition;
  orderBy: { field: string; desc: boolean; nullsLast: boolean }[];
  limit?: number;
  offset?: number;
}

const TOKEN = /\s*(?:('(?:[^'\\]|\\.)*')|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))|(\d{4}-\d{2}-\d{2})|(-?\d+(?:\.\d+)?)|(<=|>=|!=|<>|=|<|>|\(|\)|,)|([A-Za-z_][A-Za-z0-9_.]*))/y;

type Tok = { t: "str" | "dt" | "date" | "num" | "sym" | "word"; v: string };

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < q.length) {
    if (/^\s*$/.test(q.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(q);
    if (!m) throw malformed(`unexpected token: '${q.slice(pos).trim().split(/\s/)[0] ?? ""}'`);
    pos = TOKEN.lastIndex;
    if (m[1] !== undefined) out.push({ t: "str", v: m[1].slice(1, -1).replace(/\\(.)/g, "$1") });
    else if (m[2] !== undefined) out.push({ t: "dt", v: m[2] });
    else if (m[3] !== undefined) out.push({ t: "date", v: m[3] });
    else if (m[4] !== undefined) out.push({ t: "num", v: m[4] });
    else if (m[5] !== undefined) out.push({ t: "sym", v: m[5] === "<>" ? "!=" : m[5] });
    else if (m[6] !== undefined) out.push({ t: "word", v: m[6] });
  }
  return out;
}

function malformed(detail: string): FieldError {
  return new FieldError("MALFORMED_QUERY", detail);
}

export function parseSoql(q: string): Soql {
  const toks = tokenize(q);
  let i = 0;
  const peek = () => toks[i];
  const kw = (w: string) => peek()?.t === "word" && peek()?.v.toUpperCase() === w;
  const expectKw = (w: string) => {
    if (!kw(w)) throw malformed(`expecting '${w}', found '${peek()?.v ?? "EOF"}'`);
    i++;
  };
  const next = (): Tok => {
    const t = toks[i++];
    if (!t) throw malformed("unexpected end of query");
    return t;
  };

  expectKw("SELECT");
  const raw: string[] = [];
  let count = false;
  if (kw("COUNT") && toks[i + 1]?.v === "(" && toks[i + 2]?.v === ")") {
    count = true;
    i += 3;
  } else {
    for (;;) {
      const t = next();
      if (t.t !== "word") throw malformed(`unexpected token: '${t.v}'`);
      raw.push(t.v);
      if (peek()?.v !== ",") break;
      i++;
    }
  }
  expectKw("FROM");
  const typeTok = next();
  const def = sobjectDef(typeTok.v);
  if (!def) throw new FieldError("INVALID_TYPE", `sObject type '${typeTok.v}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`);
  const fields = raw.map((f) => resolveField(def, f));
  if (new Set(fields).size !== fields.length) throw malformed(`duplicate field selected`);

  const literal = (): Literal => {
    const t = next();
    if (t.t === "str") return t.v;
    if (t.t === "num") return Number(t.v);
    if (t.t === "dt") return { datetime: Date.parse(t.v.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")) };
    if (t.t === "date") return { date: t.v };
    if (t.t === "word" && /^(true|false|null)$/i.test(t.v)) return t.v.toLowerCase() === "null" ? null : t.v.toLowerCase() === "true";
    throw malformed(`unexpected token: '${t.v}'`);
  };
  const primary = (): Condition => {
    if (peek()?.v === "(") {
      i++;
      const c = or();
      if (next().v !== ")") throw malformed("expecting ')'");
      return c;
    }
    if (kw("NOT")) {
      i++;
      return { kind: "not", inner: primary() };
    }
    const ft = next();
    if (ft.t !== "word") throw malformed(`unexpected token: '${ft.v}'`);
    const field = resolveField(def, ft.v);
    if (kw("IN") || (kw("NOT") && toks[i + 1]?.v.toUpperCase() === "IN")) {
      const not = kw("NOT");
      i += not ? 2 : 1;
      if (next().v !== "(") throw malformed("expecting '('");
      const values: Literal[] = [literal()];
      while (peek()?.v === ",") {
        i++;
        values.push(literal());
      }
      if (next().v !== ")") throw malformed("expecting ')'");
      return { kind: "in", field, not, values };
    }
    const op = next();
    const o = op.t === "word" && op.v.toUpperCase() === "LIKE" ? "LIKE" : op.v;
    if (!["=", "!=", "<", ">", "<=", ">=", "LIKE"].includes(o)) throw malformed(`unexpected token: '${op.v}'`);
    return { kind: "cmp", field, op: o as "=", value: literal() };
  };
  const and = (): Condition => {
    let c = primary();
    while (kw("AND")) {
      i++;
      c = { kind: "and", left: c, right: primary() };
    }
    return c;
  };
  const or = (): Condition => {
    let c = and();
    while (kw("OR")) {
      i++;
      c = { kind: "or", left: c, right: and() };
    }
    return c;
  };

  const out: Soql = { def, fields, count, orderBy: [] };
  if (kw("WHERE")) {
    i++;
    out.where = or();
  }
  if (kw("ORDER")) {
    i++;
    expectKw("BY");
    for (;;) {
      const ft = next();
      const field = resolveField(def, ft.v);
      let desc = false;
      if (kw("ASC") || kw("DESC")) desc = next().v.toUpperCase() === "DESC";
      let nullsLast = desc;
      if (kw("NULLS")) {
        i++;
        nullsLast = next().v.toUpperCase() === "LAST";
      }
      out.orderBy.push({ field, desc, nullsLast });
      if (peek()?.v !== ",") break;
      i++;
    }
  }
  if (kw("LIMIT")) {
    i++;
    out.limit = Number(next().v);
  }
  if (kw("OFFSET")) {
    i++;
    out.offset = Number(next().v);
    if (out.offset > 2000) throw new FieldError("NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000");
  }
  if (i < toks.length) throw malformed(`unexpected token: '${toks[i]?.v ?? ""}'`);
  return out;
}

/** "name" → "Name", "account.name" → "Account.Name"; unknown → INVALID_FIELD. */
export function resolveField(def: SObjectDef, path: string): string {
  const parts = path.split(".");
  if (parts.length === 1) {
    const fd = fieldDef(def, path);
    if (!fd) throw noColumn(def, path);
    return fd.name;
  }
  if (parts.length !== 2) throw noColumn(def, path);
  const rel = def.fields.find((f) => f.relationshipName?.toLowerCase() === parts[0]?.toLowerCase());
  const target = rel?.referenceTo?.[0] ? sobjectDef(rel.referenceTo[0]) : undefined;
  const fd = target ? fieldDef(target, parts[1] ?? "") : undefined;
  if (!rel?.relationshipName || !fd) throw noColumn(def, path);
  return `${rel.relationshipName}.${fd.name}`;
}

function noColumn(def: SObjectDef, field: string): FieldError {
  return new FieldError("INVALID_FIELD", `No such column '${field}' on entity '${def.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`);
}

/** Compares an API value with a literal, by the field's type. */
export function compare(fd: FieldDef | undefined, value: unknown, lit: Literal): number | undefined {
  if (value === null || value === undefined || lit === null) return undefined;
  if (typeof lit === "object" && "datetime" in lit) return Date.parse(str(value).replace(/\+0000$/, "Z")) - lit.datetime;
  if (typeof lit === "object" && "date" in lit) return str(value).slice(0, 10).localeCompare(lit.date);
  if (typeof lit === "number") return Number(value) - lit;
  if (typeof lit === "boolean") return value === lit ? 0 : 1;
  if (fd?.type === "id" || fd?.type === "reference") return str(value).slice(0, 15) === lit.slice(0, 15) ? 0 : str(value).localeCompare(lit);
  return str(value).toLowerCase().localeCompare(lit.toLowerCase());
}

export function likeMatches(value: unknown, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\*]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".")}$`, "is");
  return typeof value === "string" && re.test(value);
}
