-- Abandonment after a contact, judged on the journey's last contact once {{ observe_s }} s of data
-- follow it (data end {{ data_end_s }}):
--   a bad outcome after it (journey.negative_outcomes, e.g. subscription_cancelled)  severity 0.9
--   no further event at all                                                           severity 0.8
--   further events but none of the positive outcomes ({{ has_positive }} = 1 when configured) 0.4
WITH c AS (
    SELECT journey_id, customer_id, ts, ts_s, seq, event, contact_id, intent, context_stage,
           ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY seq DESC) AS rn
    FROM tl
    WHERE kind = 'contact' AND ts_s IS NOT NULL
),
last_c AS (
    SELECT * FROM c WHERE rn = 1 AND ts_s + {{ observe_s }} <= {{ data_end_s }}
),
after AS (
    SELECT l.journey_id,
           SUM(CASE WHEN e.kind = 'event' THEN 1 ELSE 0 END) AS n_after,
           MAX(CASE WHEN e.is_positive_outcome THEN 1 ELSE 0 END) AS has_pos,
           MIN(CASE WHEN e.is_negative_outcome THEN e.seq END) AS neg_seq
    FROM last_c l
    LEFT JOIN tl e ON e.journey_id = l.journey_id AND e.seq > l.seq
    GROUP BY l.journey_id
)
SELECT l.journey_id, l.customer_id, 'abandonment_after_contact' AS kind,
       COALESCE(n.stage, n.context_stage, l.context_stage) AS stage, l.ts, l.contact_id,
       CASE WHEN a.neg_seq IS NOT NULL THEN 0.9 WHEN a.n_after = 0 THEN 0.8 ELSE 0.4 END AS severity,
       CASE WHEN a.neg_seq IS NOT NULL
              THEN '''' || n.event || ''' ' || CAST(ROUND((n.ts_s - l.ts_s) / 86400.0, 1) AS STRING)
                   || ' days after the last contact (' || l.event || COALESCE(' about ' || l.intent, '') || ')'
            WHEN a.n_after = 0
              THEN 'no activity in the ' || CAST(ROUND(({{ data_end_s }} - l.ts_s) / 86400.0, 1) AS STRING)
                   || ' days after the last contact (' || l.event || COALESCE(' about ' || l.intent, '') || ')'
            ELSE CAST(a.n_after AS STRING) || ' events after the last contact (' || l.event
                   || COALESCE(' about ' || l.intent, '') || ') but no successful outcome'
       END AS evidence
FROM last_c l
JOIN after a ON a.journey_id = l.journey_id
LEFT JOIN tl n ON n.journey_id = l.journey_id AND n.seq = a.neg_seq
WHERE a.neg_seq IS NOT NULL OR a.n_after = 0 OR ({{ has_positive }} = 1 AND a.has_pos = 0)
