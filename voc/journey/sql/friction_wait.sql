-- Long waits: a gap of more than {threshold_s} s after a waiting step (journey.wait_after; every
-- step of case-based logs) until the next step, and contacts open (created -> closed) that long.
-- severity = 0.5 * wait / threshold, capped at 1 (twice the threshold is the maximum).
WITH s AS (
    SELECT tl.*,
           LEAD(ts_s) OVER (PARTITION BY journey_id ORDER BY seq) AS next_s,
           LEAD(event) OVER (PARTITION BY journey_id ORDER BY seq) AS next_event
    FROM tl
    WHERE ts_s IS NOT NULL
)
SELECT journey_id, customer_id, 'long_wait' AS kind, COALESCE(stage, context_stage) AS stage, ts, contact_id,
       LEAST(1.0, 0.5 * (next_s - ts_s) / {threshold_s}) AS severity,
       'waited ' || CAST(ROUND((next_s - ts_s) / 3600.0, 1) AS STRING) || ' h after ''' || event
         || ''' until ''' || next_event || '''' AS evidence
FROM s
WHERE is_wait_step AND kind = 'event' AND next_s - ts_s > {threshold_s}
UNION ALL
SELECT journey_id, customer_id, 'long_wait' AS kind, context_stage AS stage, ts, contact_id,
       LEAST(1.0, 0.5 * (closed_s - ts_s) / {threshold_s}) AS severity,
       event || ' stayed open ' || CAST(ROUND((closed_s - ts_s) / 3600.0, 1) AS STRING) || ' h (closed '
         || SUBSTRING(CAST(ts AS STRING), 1, 10) || ' + ' || CAST(ROUND((closed_s - ts_s) / 86400.0, 1) AS STRING) || ' days)' AS evidence
FROM s
WHERE kind = 'contact' AND closed_s IS NOT NULL AND closed_s - ts_s > {threshold_s}
