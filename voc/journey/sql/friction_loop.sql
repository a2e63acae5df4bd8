-- Loops: the same step {{ min_repeats }}+ times with gaps of at most {{ window_s }} s between occurrences
-- (contacts and journey.loop_ignore steps such as page views are left out). "repeated ... in a row"
-- when nothing happened in between, "revisited" otherwise. One row per loop episode, at its first
-- occurrence. severity = (n - 1) / (2 * ({{ min_repeats }} - 1)), capped at 1: the minimum loop is 0.5.
-- Logs with a lifecycle (XES lifecycle:transition) count a work item's completions only: its
-- schedule / start / complete are one step, not a loop.
-- The windows carry only the columns they need (a window sort's cost grows with what it carries);
-- the first occurrence's time and stage are joined back for the loops found.
WITH s AS (  -- a journey's rows of each step in a row: ordered by (step, seq), one partition per journey
    SELECT journey_id, event, seq, ts_s, customer_id,
           CASE WHEN LAG(event) OVER w = event THEN ts_s - LAG(ts_s) OVER w END AS gap_s,
           CASE WHEN LEAD(event) OVER w = event THEN LEAD(ts_s) OVER w - ts_s END AS next_gap_s
    FROM tl
    WHERE kind = 'event' AND loopable AND ts_s IS NOT NULL
      AND (lifecycle IS NULL OR LOWER(lifecycle) = 'complete')
    WINDOW w AS (PARTITION BY journey_id ORDER BY event, seq)
),
e AS (   -- episodes numbered through the journey: a new one at each step's first row and after each long gap;
         -- rows alone in their episode (no close occurrence before or after) can be no loop and are left out
    SELECT journey_id, event, seq, ts_s, customer_id,
           SUM(CASE WHEN gap_s IS NULL OR gap_s > {{ window_s }} THEN 1 ELSE 0 END)
               OVER (PARTITION BY journey_id ORDER BY event, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS episode
    FROM s
    WHERE gap_s <= {{ window_s }} OR next_gap_s <= {{ window_s }}
),
a AS (
    SELECT journey_id, MIN(event) AS event, episode, MIN(customer_id) AS customer_id, COUNT(*) AS n,
           MIN(seq) AS first_seq, MAX(seq) AS last_seq, MAX(ts_s) - MIN(ts_s) AS span_s
    FROM e
    GROUP BY journey_id, episode
    HAVING COUNT(*) >= {{ min_repeats }}
),
-- Other steps between the first and last occurrence. seq numbers a journey's rows 1, 2, 3, ... so
-- last_seq - first_seq - 1 rows lie between; n - 2 of them are the episode's own occurrences. Not
-- "other" either: the step's rows left out above (its schedule / start rows) and rows without a name.
odd AS (
    SELECT a.journey_id, a.event, a.episode, COUNT(*) AS n_odd
    FROM a
    JOIN tl t ON t.journey_id = a.journey_id AND t.event = a.event AND t.seq > a.first_seq AND t.seq < a.last_seq
    WHERE NOT (t.kind = 'event' AND t.ts_s IS NOT NULL AND (t.lifecycle IS NULL OR LOWER(t.lifecycle) = 'complete'))
    GROUP BY a.journey_id, a.event, a.episode
    UNION ALL
    SELECT a.journey_id, a.event, a.episode, COUNT(*) AS n_odd
    FROM a
    JOIN tl t ON t.journey_id = a.journey_id AND t.seq > a.first_seq AND t.seq < a.last_seq
    WHERE t.event IS NULL
    GROUP BY a.journey_id, a.event, a.episode
),
b AS (
    SELECT a.*, CAST((a.last_seq - a.first_seq - 1) - (a.n - 2) - COALESCE(o.n_odd, 0) AS BIGINT) AS n_other
    FROM a
    LEFT JOIN (SELECT journey_id, event, episode, SUM(n_odd) AS n_odd FROM odd GROUP BY journey_id, event, episode) o
           ON o.journey_id = a.journey_id AND o.event = a.event AND o.episode = a.episode
)
SELECT b.journey_id, b.customer_id, 'loop' AS kind, COALESCE(f.stage, f.context_stage) AS stage, f.ts,
       CAST(NULL AS STRING) AS contact_id,
       LEAST(1.0, (b.n - 1) / (2.0 * ({{ min_repeats }} - 1))) AS severity,
       '''' || b.event || ''' '
         || CASE WHEN b.n_other = 0 THEN 'repeated ' ELSE 'revisited ' END
         || CAST(b.n AS STRING) || ' times within '
         || CASE WHEN b.span_s < 3600 THEN CAST(CAST(ROUND(b.span_s / 60.0, 0) AS BIGINT) AS STRING) || ' min'
                 ELSE CAST(ROUND(b.span_s / 3600.0, 1) AS STRING) || ' h' END
         || CASE WHEN b.n_other = 0 THEN ' in a row'
                 ELSE ' with ' || CAST(b.n_other AS STRING) || ' other steps between' END AS evidence
FROM b
JOIN tl f ON f.journey_id = b.journey_id AND f.seq = b.first_seq
