-- Long waits, relative to the log itself: the gap after a waiting step (journey.wait_after; every
-- step of case-based logs) until the next step is long when it goes beyond the {{ quantile }} quantile
-- of the same transition's own gaps (from step -> next step) in the log. A transition seen fewer
-- than {{ min_n }} times is judged by the quantile of every gap after the same step, and with fewer
-- still by the fallback {{ threshold_s }} s; with {{ use_quantile }} = 0 the fallback applies everywhere
-- (one absolute threshold). A wait is never long below {{ floor_s }} s. Contacts: open (created ->
-- closed) beyond the same quantile of the open times of contacts of the same channel.
-- severity = 0.5 * wait / threshold, capped at 1 (twice the threshold is the maximum).
-- DuckDB: quantile_cont(x, q); on Spark: percentile(x, q).
WITH s AS (   -- only the columns used below: the window sort carries no more than it needs
    SELECT journey_id, customer_id, ts, ts_s, seq, kind, event, contact_id, closed_s, is_wait_step, stage, context_stage,
           LEAD(ts_s) OVER (PARTITION BY journey_id ORDER BY seq) AS next_s,
           LEAD(event) OVER (PARTITION BY journey_id ORDER BY seq) AS next_event
    FROM tl
    WHERE ts_s IS NOT NULL
),
gaps AS (
    SELECT event, next_event, next_s - ts_s AS gap_s FROM s WHERE kind = 'event' AND next_s IS NOT NULL
),
by_pair AS (
    SELECT event, next_event, COUNT(*) AS n, quantile_cont(gap_s, {{ quantile }}) AS q_s FROM gaps GROUP BY event, next_event
),
by_step AS (
    SELECT event, COUNT(*) AS n, quantile_cont(gap_s, {{ quantile }}) AS q_s FROM gaps GROUP BY event
),
by_channel AS (
    SELECT event, COUNT(*) AS n, quantile_cont(closed_s - ts_s, {{ quantile }}) AS q_s
    FROM s WHERE kind = 'contact' AND closed_s IS NOT NULL AND closed_s >= ts_s GROUP BY event
),
w AS (
    SELECT s.*,
           CASE WHEN {{ use_quantile }} = 1 AND p.n >= {{ min_n }} THEN p.q_s
                WHEN {{ use_quantile }} = 1 AND b.n >= {{ min_n }} THEN b.q_s
                ELSE {{ threshold_s }} END AS base_s,
           CASE WHEN {{ use_quantile }} = 1 AND p.n >= {{ min_n }}
                  THEN 'p' || CAST(CAST(ROUND({{ quantile }} * 100, 0) AS BIGINT) AS STRING) || ' of ''' || s.event || ''' -> '''
                       || s.next_event || ''' is ' || CAST(ROUND(p.q_s / 3600.0, 1) AS STRING) || ' h over '
                       || CAST(p.n AS STRING) || ' transitions'
                WHEN {{ use_quantile }} = 1 AND b.n >= {{ min_n }}
                  THEN 'p' || CAST(CAST(ROUND({{ quantile }} * 100, 0) AS BIGINT) AS STRING) || ' of every gap after '''
                       || s.event || ''' is ' || CAST(ROUND(b.q_s / 3600.0, 1) AS STRING) || ' h over '
                       || CAST(b.n AS STRING) || ' steps'
                ELSE 'threshold ' || CAST(ROUND({{ threshold_s }} / 3600.0, 1) AS STRING) || ' h' END AS basis
    FROM s
    LEFT JOIN by_pair p ON p.event = s.event AND p.next_event = s.next_event
    LEFT JOIN by_step b ON b.event = s.event
    WHERE s.is_wait_step AND s.kind = 'event' AND s.next_s IS NOT NULL
),
c AS (
    SELECT s.*,
           CASE WHEN {{ use_quantile }} = 1 AND ch.n >= {{ min_n }} THEN ch.q_s ELSE {{ threshold_s }} END AS base_s,
           CASE WHEN {{ use_quantile }} = 1 AND ch.n >= {{ min_n }}
                  THEN 'p' || CAST(CAST(ROUND({{ quantile }} * 100, 0) AS BIGINT) AS STRING) || ' of ' || s.event
                       || ' open times is ' || CAST(ROUND(ch.q_s / 3600.0, 1) AS STRING) || ' h over '
                       || CAST(ch.n AS STRING) || ' contacts'
                ELSE 'threshold ' || CAST(ROUND({{ threshold_s }} / 3600.0, 1) AS STRING) || ' h' END AS basis
    FROM s
    LEFT JOIN by_channel ch ON ch.event = s.event
    WHERE s.kind = 'contact' AND s.closed_s IS NOT NULL
)
SELECT journey_id, customer_id, 'long_wait' AS kind, COALESCE(stage, context_stage) AS stage, ts, contact_id,
       LEAST(1.0, 0.5 * (next_s - ts_s) / GREATEST(base_s, {{ floor_s }}, 1.0)) AS severity,
       'waited ' || CAST(ROUND((next_s - ts_s) / 3600.0, 1) AS STRING) || ' h after ''' || event
         || ''' until ''' || next_event || ''' (' || basis || ')' AS evidence
FROM w
WHERE next_s - ts_s > base_s AND next_s - ts_s > {{ floor_s }}
UNION ALL
SELECT journey_id, customer_id, 'long_wait' AS kind, context_stage AS stage, ts, contact_id,
       LEAST(1.0, 0.5 * (closed_s - ts_s) / GREATEST(base_s, {{ floor_s }}, 1.0)) AS severity,
       event || ' stayed open ' || CAST(ROUND((closed_s - ts_s) / 3600.0, 1) AS STRING) || ' h (closed '
         || SUBSTRING(CAST(ts AS STRING), 1, 10) || ' + ' || CAST(ROUND((closed_s - ts_s) / 86400.0, 1) AS STRING)
         || ' days; ' || basis || ')' AS evidence
FROM c
WHERE closed_s - ts_s > base_s AND closed_s - ts_s > {{ floor_s }}
