-- The server's identity and its change counter. `epoch` is fixed when the
-- database is created: a client holding a cursor from another epoch is told
-- to reset. `version` grows by one for every row change, and every row
-- carries the version of its last change, so a pull is "rows with a version
-- above my cursor".
CREATE TABLE meta (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    epoch   TEXT    NOT NULL,
    version INTEGER NOT NULL
);
INSERT INTO meta (id, epoch, version) VALUES (1, lower(hex(randomblob(16))), 0);

CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    topic           TEXT    NOT NULL,
    standard        TEXT,
    career_families TEXT    NOT NULL, -- ';'-separated, canonical order
    room            TEXT    NOT NULL,
    starts_at       TEXT    NOT NULL, -- RFC 3339 with the program's offset
    ends_at         TEXT    NOT NULL,
    capacity        INTEGER,          -- NULL = unlimited
    presenter       TEXT    NOT NULL,
    confirmed_count INTEGER NOT NULL DEFAULT 0,
    waitlist_count  INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL
);
CREATE INDEX sessions_by_version ON sessions (version);

CREATE TABLE attendees (
    id            INTEGER PRIMARY KEY,
    badge_code    TEXT NOT NULL UNIQUE,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    email         TEXT,
    state         TEXT NOT NULL,
    local         TEXT NOT NULL,
    career_family TEXT NOT NULL,
    role          TEXT NOT NULL,
    version       INTEGER NOT NULL
);
CREATE INDEX attendees_by_version ON attendees (version);

-- Deleted rows leave a tombstone so that devices learn of the deletion.
CREATE TABLE tombstones (
    entity  TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (entity, id)
);
CREATE INDEX tombstones_by_version ON tombstones (version);
