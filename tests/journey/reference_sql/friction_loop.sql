-- Loops: the same step {{ min_repeats }}+ times with gaps of at most {{ window_s }} s between occurrences
-- (contacts and journey.loop_ignore steps such as page views are left out). "repeated ... in a row"
-- when nothing happened in between, "revisited" otherwise. One row per loop episode, at its first
-- occurrence. severity = (n - 1) / (2 * ({{ min_repeats }} - 1)), capped at 1: the minimum loop is 0.5.
-- Logs with a lifecycle (XES lifecycle:transition) count a work item's completions only: its
-- schedule / start / complete are one step, not a loop.
WITH s AS (
    SELECT journey_id, customer_id, ts, ts_s, seq, event,
           ts_s - LAG(ts_s) OVER (PARTITION BY journey_id, event ORDER BY seq) AS gap_s
    FROM tl
    WHERE kind = 'event' AND loopable AND ts_s IS NOT NULL
      AND (lifecycle IS NULL OR LOWER(lifecycle) = 'complete')
),
e AS (
    SELECT s.*,
           SUM(CASE WHEN gap_s IS NULL OR gap_s > {{ window_s }} THEN 1 ELSE 0 END)
               OVER (PARTITION BY journey_id, event ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS episode
    FROM s
),
a AS (
    SELECT journey_id, event, episode, MIN(customer_id) AS customer_id, COUNT(*) AS n,
           MIN(seq) AS first_seq, MAX(seq) AS last_seq, MAX(ts_s) - MIN(ts_s) AS span_s
    FROM e
    GROUP BY journey_id, event, episode
    HAVING COUNT(*) >= {{ min_repeats }}
),
between_steps AS (  -- other steps between the first and last occurrence (the step's own lifecycle rows are not "other")
    SELECT a.journey_id, a.event, a.episode, COUNT(t.seq) AS n_other
    FROM a
    LEFT JOIN tl t ON t.journey_id = a.journey_id AND t.seq > a.first_seq AND t.seq < a.last_seq AND t.event <> a.event
    GROUP BY a.journey_id, a.event, a.episode
)
SELECT a.journey_id, a.customer_id, 'loop' AS kind, COALESCE(f.stage, f.context_stage) AS stage, f.ts,
       CAST(NULL AS STRING) AS contact_id,
       LEAST(1.0, (a.n - 1) / (2.0 * ({{ min_repeats }} - 1))) AS severity,
       '''' || a.event || ''' '
         || CASE WHEN b.n_other = 0 THEN 'repeated ' ELSE 'revisited ' END
         || CAST(a.n AS STRING) || ' times within '
         || CASE WHEN a.span_s < 3600 THEN CAST(CAST(ROUND(a.span_s / 60.0, 0) AS BIGINT) AS STRING) || ' min'
                 ELSE CAST(ROUND(a.span_s / 3600.0, 1) AS STRING) || ' h' END
         || CASE WHEN b.n_other = 0 THEN ' in a row'
                 ELSE ' with ' || CAST(b.n_other AS STRING) || ' other steps between' END AS evidence
FROM a
JOIN between_steps b ON b.journey_id = a.journey_id AND b.event = a.event AND b.episode = a.episode
JOIN tl f ON f.journey_id = a.journey_id AND f.seq = a.first_seq
