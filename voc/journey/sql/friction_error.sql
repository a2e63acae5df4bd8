-- Errors before a contact: failed steps (journey.error_events) in the {{ window_s }} s before an
-- assisted touch (a contact, or an event at an escalation level other than self-service, level
-- {{ self_level }}) and after the previous assisted touch, so each error is blamed once.
-- severity = 0.5 + 0.1 per error, capped at 1.
WITH touch AS (
    SELECT journey_id, customer_id, ts, ts_s, seq, event, contact_id, context_stage,
           LAG(seq) OVER (PARTITION BY journey_id ORDER BY seq) AS prev_touch_seq
    FROM tl
    WHERE ts_s IS NOT NULL AND (kind = 'contact' OR (level IS NOT NULL AND level <> {{ self_level }}))
),
err AS (
    SELECT t.journey_id, t.seq AS touch_seq, e.seq AS err_seq, e.event AS err_event, e.ts_s AS err_s,
           COALESCE(e.stage, e.context_stage) AS err_stage
    FROM touch t
    JOIN tl e ON e.journey_id = t.journey_id
    WHERE e.is_error AND e.ts_s IS NOT NULL
      AND e.seq < t.seq AND e.seq > COALESCE(t.prev_touch_seq, 0)
      AND e.ts_s >= t.ts_s - {{ window_s }}
),
ranked AS (
    SELECT err.*,
           ROW_NUMBER() OVER (PARTITION BY journey_id, touch_seq ORDER BY err_seq) AS rn_first,
           ROW_NUMBER() OVER (PARTITION BY journey_id, touch_seq ORDER BY err_seq DESC) AS rn_last,
           COUNT(*) OVER (PARTITION BY journey_id, touch_seq) AS n_errors
    FROM err
)
SELECT t.journey_id, t.customer_id, 'error_before_contact' AS kind,
       COALESCE(l.err_stage, t.context_stage) AS stage, t.ts, t.contact_id,
       LEAST(1.0, 0.5 + 0.1 * l.n_errors) AS severity,
       CAST(l.n_errors AS STRING) || ' failed step(s) before ' || t.event
         || CASE WHEN l.n_errors > 1
                 THEN ': first ''' || f.err_event || ''' ' || CAST(CAST(ROUND((t.ts_s - f.err_s) / 60.0, 0) AS BIGINT) AS STRING) || ' min before, last '''
                 ELSE ': ''' END
         || l.err_event || ''' ' || CAST(CAST(ROUND((t.ts_s - l.err_s) / 60.0, 0) AS BIGINT) AS STRING) || ' min before' AS evidence
FROM touch t
JOIN ranked l ON l.journey_id = t.journey_id AND l.touch_seq = t.seq AND l.rn_last = 1
JOIN ranked f ON f.journey_id = t.journey_id AND f.touch_seq = t.seq AND f.rn_first = 1
