-- The mentoring log. `id` is named by the author's phone. A partner at the
-- conference is `partner_id`; anyone else is the free text `partner_name`.
-- `note` is the author's private note: pull sends it to the author only.
-- A deleted entry keeps its row (note wiped) with `deleted_at` set, so its
-- author and partner learn of the deletion and nobody else does.
CREATE TABLE mentoring_entries (
    id           TEXT    PRIMARY KEY,
    author_id    INTEGER NOT NULL REFERENCES attendees (id),
    partner_id   INTEGER REFERENCES attendees (id),
    partner_name TEXT,
    role         TEXT    NOT NULL CHECK (role IN ('mentor', 'mentee')),
    date         TEXT    NOT NULL,
    minutes      INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 720),
    activity     TEXT    NOT NULL,
    standards    TEXT    NOT NULL,   -- JSON array of standard names
    note         TEXT    NOT NULL DEFAULT '',
    confirmed_at TEXT,
    deleted_at   TEXT,
    device_id    TEXT    NOT NULL,
    device_at    TEXT    NOT NULL,   -- the author's clock: data, never order
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    CHECK ((partner_id IS NULL) <> (partner_name IS NULL))
);
CREATE INDEX mentoring_by_author ON mentoring_entries (author_id, version);
CREATE INDEX mentoring_by_partner ON mentoring_entries (partner_id, version);

-- A confirmation that arrived before the entry it confirms (both phones
-- were offline and the partner's synced first). It is settled when the
-- entry arrives: taken if it came from the named partner and `terms` (what
-- they were shown) is what the entry says.
CREATE TABLE mentoring_waiting_confirms (
    entry_id    TEXT    NOT NULL,
    attendee_id INTEGER NOT NULL REFERENCES attendees (id),
    terms       TEXT    NOT NULL,
    received_at TEXT    NOT NULL,
    PRIMARY KEY (entry_id, attendee_id)
) WITHOUT ROWID;
