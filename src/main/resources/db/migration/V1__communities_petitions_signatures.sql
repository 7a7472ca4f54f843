-- Communities: the councils using the system, and their petition rules.
CREATE TABLE communities (
  id                  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug                text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
  name                text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  region              text        NOT NULL CHECK (length(region) BETWEEN 1 AND 100),
  signature_threshold integer     NOT NULL CHECK (signature_threshold > 0),
  collection_days     integer     NOT NULL CHECK (collection_days BETWEEN 1 AND 365),
  residency_required  boolean     NOT NULL DEFAULT false,
  territory_code      text        CHECK (territory_code ~ '^UA[0-9]{2,17}$'),
  time_zone           text        NOT NULL,
  signing_paused      boolean     NOT NULL DEFAULT false,
  last_petition_number integer    NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (NOT residency_required OR territory_code IS NOT NULL)
);

-- Petitions: numbered within their community; counts are persisted by the batch writer.
CREATE TABLE petitions (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_id         integer     NOT NULL REFERENCES communities (id),
  number               integer     NOT NULL,
  title                text        NOT NULL,
  text                 text        NOT NULL,
  topic                text        NOT NULL,
  author_key           text        NOT NULL,
  status               text        NOT NULL CHECK (status IN ('draft', 'moderation', 'collecting',
                         'threshold_reached', 'awaiting_answer', 'answered', 'not_supported',
                         'rejected', 'withdrawn')),
  created_at           timestamptz NOT NULL DEFAULT now(),
  opened_at            timestamptz,
  closes_at            timestamptz,
  threshold_reached_at timestamptz,
  answered_at          timestamptz,
  threshold            integer     CHECK (threshold > 0),
  persisted_count      integer     NOT NULL DEFAULT 0 CHECK (persisted_count >= 0),
  answer               text,
  rejection_reason     text,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (community_id, number)
);

-- Listing a community's petitions, newest first, optionally by status or topic.
CREATE INDEX petitions_by_community ON petitions (community_id, id DESC);
CREATE INDEX petitions_by_community_status ON petitions (community_id, status, id DESC);
CREATE INDEX petitions_by_community_topic ON petitions (community_id, topic, id DESC);
-- The closing job looks for open petitions past their closing time.
CREATE INDEX petitions_open_by_closing ON petitions (closes_at)
  WHERE status IN ('collecting', 'threshold_reached');

-- Signatures: one per person (signer key) per petition; the key is the backstop behind Redis.
CREATE TABLE signatures (
  petition_id  bigint      NOT NULL REFERENCES petitions (id),
  signer_key   text        NOT NULL,
  display_name text        NOT NULL,
  signed_at    timestamptz NOT NULL,
  receipt      text        NOT NULL,
  channel      text        NOT NULL DEFAULT 'online' CHECK (channel IN ('online', 'paper')),
  PRIMARY KEY (petition_id, signer_key)
);

-- The public list of signers, in signing order, keyset-paged.
CREATE INDEX signatures_in_signing_order ON signatures (petition_id, signed_at, receipt);

-- Gateway-wide switches shared by every instance.
CREATE TABLE gateway_settings (
  name       text PRIMARY KEY,
  value      text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO gateway_settings (name, value) VALUES ('signing_paused', 'false');
