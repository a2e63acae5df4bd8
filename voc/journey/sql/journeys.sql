-- One row per journey: size, time span, contact (text) features, repeat contacts, friction and the
-- time parked in waiting states (parked_s).
-- Path, step and outcome features come from voc.sequences.journey_features (merged in Python).
-- DuckDB-specific: string_agg(DISTINCT ...) for channels; on Spark:
--   concat_ws(',', array_sort(collect_set(channel))).
WITH base AS (
    SELECT journey_id,
           MIN(ts) AS start_ts, MAX(ts) AS end_ts,
           CAST(SUM(CASE WHEN kind = 'event' THEN 1 ELSE 0 END) AS BIGINT) AS n_events,
           CAST(SUM(CASE WHEN kind = 'contact' THEN 1 ELSE 0 END) AS BIGINT) AS n_contacts,
           AVG(CASE WHEN kind = 'contact' THEN sentiment_score END) AS mean_sentiment,
           MIN(CASE WHEN kind = 'contact' THEN sentiment_score END) AS min_sentiment,
           MIN(CASE WHEN kind = 'contact' THEN ts END) AS first_contact_at,
           string_agg(DISTINCT channel, ',' ORDER BY channel) AS channels
    FROM tl
    GROUP BY journey_id
),
cust AS (   -- the journey's customer: the first one seen (a case may change hands)
    SELECT journey_id, customer_id,
           ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY seq) AS rn
    FROM tl
    WHERE customer_id IS NOT NULL
),
intents AS (
    SELECT journey_id, intent,
           ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY seq) AS rn_first,
           ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY seq DESC) AS rn_last
    FROM tl
    WHERE kind = 'contact' AND intent IS NOT NULL
),
topics AS (
    SELECT journey_id, topic_label,
           ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY COUNT(*) DESC, MIN(seq)) AS rn
    FROM tl
    WHERE kind = 'contact' AND topic_label IS NOT NULL
    GROUP BY journey_id, topic_label
),
parked AS (  -- time parked: from a step in a waiting state (journey.waiting_states) to the next step
    -- (next_s: the timeline's next row; rows without a time come last in a journey, so a row with a
    -- time and a next_s is followed by the next row with a time)
    SELECT journey_id,
           SUM(CASE WHEN is_waiting_state AND next_s IS NOT NULL THEN next_s - ts_s ELSE 0 END) AS parked_s
    FROM tl WHERE ts_s IS NOT NULL
    GROUP BY journey_id
),
repeats AS (
    SELECT t.journey_id,
           SUM(CASE WHEN rc.is_repeat THEN 1 ELSE 0 END) AS n_repeat_contacts,
           SUM(CASE WHEN rc.same_issue THEN 1 ELSE 0 END) AS n_same_issue_repeats
    FROM tl t
    JOIN rc ON rc.contact_id = t.contact_id
    WHERE t.kind = 'contact'
    GROUP BY t.journey_id
)
SELECT b.journey_id, cu.customer_id, b.start_ts AS "start", b.end_ts AS "end",
       b.n_events, b.n_contacts,
       CAST(COALESCE(r.n_repeat_contacts, 0) AS BIGINT) AS n_repeat_contacts,
       CAST(COALESCE(r.n_same_issue_repeats, 0) AS BIGINT) AS n_same_issue_repeats,
       fi.intent AS first_intent, li.intent AS last_intent,
       b.mean_sentiment, b.min_sentiment, tp.topic_label AS top_topic, b.channels, b.first_contact_at,
       COALESCE(fs.friction_score, 0.0) AS friction_score,
       COALESCE(fs.friction_kinds, '') AS friction_kinds,
       CAST(COALESCE(fs.n_frictions, 0) AS BIGINT) AS n_frictions,
       COALESCE(pk.parked_s, 0.0) AS parked_s
FROM base b
LEFT JOIN cust cu ON cu.journey_id = b.journey_id AND cu.rn = 1
LEFT JOIN intents fi ON fi.journey_id = b.journey_id AND fi.rn_first = 1
LEFT JOIN intents li ON li.journey_id = b.journey_id AND li.rn_last = 1
LEFT JOIN topics tp ON tp.journey_id = b.journey_id AND tp.rn = 1
LEFT JOIN repeats r ON r.journey_id = b.journey_id
LEFT JOIN fs ON fs.journey_id = b.journey_id
LEFT JOIN parked pk ON pk.journey_id = b.journey_id
ORDER BY b.journey_id
