-- ASP.NET Core DataProtection's key ring (Silo/DataProtection): every silo of a cluster reads the same keys, so
-- what one silo protects another can unprotect. Each row is one key's XML as DataProtection stores it, its key
-- material encrypted (docs/operations.md, "DataProtection keys"). Rows are only ever added; DataProtection
-- itself decides which keys are current, expired or revoked.
CREATE TABLE IF NOT EXISTS data_protection_keys (
    name       text PRIMARY KEY,
    xml        text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
