-- The daily run remembers letters, legal reviews and alerts for good, everything else only for
-- its recent window: this partial index keeps reading that memory small as actions accumulate.
CREATE INDEX actions_remembered ON actions (planned_for)
  WHERE kind IN ('letter', 'lawyer_letter', 'legal_review', 'internal_alert');
