-- Long waits, relative to the log itself: the gap after a waiting step (journey.wait_after; every
-- step of case-based logs) until the next step is long when it goes beyond the {{ quantile }} quantile
-- of the same transition's own gaps (from step -> next step) in the log. A transition seen fewer
-- than {{ min_n }} times is judged by the quantile of every gap after the same step, and with fewer
-- still by the fallback {{ threshold_s }} s; with {{ use_quantile }} = 0 the fallback applies everywhere
-- (one absolute threshold). A wait is never long below {{ floor_s }} s. Contacts: open (created ->
-- closed) beyond the same quantile of the open times of contacts of the same channel.
-- severity = 0.5 * wait / threshold, capped at 1 (twice the threshold is the maximum).
-- The next step (next_s, next_event) comes with the timeline (sql/timeline.sql, from its one window
-- sort): this query is scans, one grouping and hash joins on small tables, linear in the log.
-- DuckDB: quantile_cont(x, q); on Spark: percentile(x, q).
WITH gaps AS (
    SELECT event, next_event, next_s - ts_s AS gap_s
    FROM tl WHERE kind = 'event' AND ts_s IS NOT NULL AND next_s IS NOT NULL
),
by_pair AS (
    SELECT event, next_event, COUNT(*) AS n, quantile_cont(gap_s, {{ quantile }}) AS q_s FROM gaps GROUP BY event, next_event
),
by_step AS (
    SELECT event, COUNT(*) AS n, quantile_cont(gap_s, {{ quantile }}) AS q_s FROM gaps GROUP BY event
),
by_channel AS (
    SELECT event, COUNT(*) AS n, quantile_cont(closed_s - ts_s, {{ quantile }}) AS q_s
    FROM tl WHERE kind = 'contact' AND ts_s IS NOT NULL AND closed_s IS NOT NULL AND closed_s >= ts_s GROUP BY event
),
-- each step's threshold, by the first rule that applies: 1 the transition's quantile, 2 the step's, 3 the fallback
w AS (
    SELECT s.journey_id, s.customer_id, s.ts, s.ts_s, s.event, s.contact_id, s.stage, s.context_stage, s.next_s, s.next_event,
           CASE WHEN {{ use_quantile }} = 1 AND p.n >= {{ min_n }} THEN 1
                WHEN {{ use_quantile }} = 1 AND b.n >= {{ min_n }} THEN 2
                ELSE 3 END AS rule,
           p.n AS p_n, p.q_s AS p_q, b.n AS b_n, b.q_s AS b_q
    FROM tl s
    LEFT JOIN by_pair p ON p.event = s.event AND p.next_event = s.next_event
    LEFT JOIN by_step b ON b.event = s.event
    WHERE s.is_wait_step AND s.kind = 'event' AND s.ts_s IS NOT NULL AND s.next_s IS NOT NULL
),
long_w AS (   -- only the long waits get their evidence text
    SELECT w.*, CASE rule WHEN 1 THEN p_q WHEN 2 THEN b_q ELSE {{ threshold_s }} END AS base_s
    FROM w
    WHERE next_s - ts_s > CASE rule WHEN 1 THEN p_q WHEN 2 THEN b_q ELSE {{ threshold_s }} END
      AND next_s - ts_s > {{ floor_s }}
),
c AS (
    SELECT s.journey_id, s.customer_id, s.ts, s.ts_s, s.event, s.contact_id, s.context_stage, s.closed_s,
           CASE WHEN {{ use_quantile }} = 1 AND ch.n >= {{ min_n }} THEN ch.q_s ELSE {{ threshold_s }} END AS base_s,
           ch.n AS ch_n, ch.q_s AS ch_q
    FROM tl s
    LEFT JOIN by_channel ch ON ch.event = s.event
    WHERE s.kind = 'contact' AND s.ts_s IS NOT NULL AND s.closed_s IS NOT NULL
)
SELECT journey_id, customer_id, 'long_wait' AS kind, COALESCE(stage, context_stage) AS stage, ts, contact_id,
       LEAST(1.0, 0.5 * (next_s - ts_s) / GREATEST(base_s, {{ floor_s }}, 1.0)) AS severity,
       'waited ' || CAST(ROUND((next_s - ts_s) / 3600.0, 1) AS STRING) || ' h after ''' || event
         || ''' until ''' || next_event || ''' ('
         || CASE rule
              WHEN 1 THEN 'p' || CAST(CAST(ROUND({{ quantile }} * 100, 0) AS BIGINT) AS STRING) || ' of ''' || event || ''' -> '''
                          || next_event || ''' is ' || CAST(ROUND(p_q / 3600.0, 1) AS STRING) || ' h over '
                          || CAST(p_n AS STRING) || ' transitions'
              WHEN 2 THEN 'p' || CAST(CAST(ROUND({{ quantile }} * 100, 0) AS BIGINT) AS STRING) || ' of every gap after '''
                          || event || ''' is ' || CAST(ROUND(b_q / 3600.0, 1) AS STRING) || ' h over '
                          || CAST(b_n AS STRING) || ' steps'
              ELSE 'threshold ' || CAST(ROUND({{ threshold_s }} / 3600.0, 1) AS STRING) || ' h' END
         || ')' AS evidence
FROM long_w
UNION ALL
SELECT journey_id, customer_id, 'long_wait' AS kind, context_stage AS stage, ts, contact_id,
       LEAST(1.0, 0.5 * (closed_s - ts_s) / GREATEST(base_s, {{ floor_s }}, 1.0)) AS severity,
       event || ' stayed open ' || CAST(ROUND((closed_s - ts_s) / 3600.0, 1) AS STRING) || ' h (closed '
         || SUBSTRING(CAST(ts AS STRING), 1, 10) || ' + ' || CAST(ROUND((closed_s - ts_s) / 86400.0, 1) AS STRING)
         || ' days; '
         || CASE WHEN {{ use_quantile }} = 1 AND ch_n >= {{ min_n }}
                 THEN 'p' || CAST(CAST(ROUND({{ quantile }} * 100, 0) AS BIGINT) AS STRING) || ' of ' || event
                      || ' open times is ' || CAST(ROUND(ch_q / 3600.0, 1) AS STRING) || ' h over '
                      || CAST(ch_n AS STRING) || ' contacts'
                 ELSE 'threshold ' || CAST(ROUND({{ threshold_s }} / 3600.0, 1) AS STRING) || ' h' END
         || ')' AS evidence
FROM c
WHERE closed_s - ts_s > base_s AND closed_s - ts_s > {{ floor_s }}
