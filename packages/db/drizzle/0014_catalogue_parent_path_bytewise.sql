-- Folder paths compare byte-wise, whatever the database's locale: "everything under /A/" is then
-- the index range ["/A/", "/A0"), which the browse listing's derived sub-folders walk with one index
-- probe per distinct folder (packages/services/src/catalogue/folders.ts). Equality, and so the
-- browse index's use, is unchanged; the column is not rewritten, only its index rebuilt.
ALTER TABLE "item_versions" ALTER COLUMN "parent_path" TYPE text COLLATE "C";
