-- Channel escalation: within an episode of touches (a touch is a step with an escalation level:
-- a contact at its channel's level, or an event named in journey.escalation_events; a gap of more
-- than {{ window_s }} s between touches starts a new episode), the customer reached a level higher than
-- the one the episode started at (e.g. help centre -> chat -> call). One row per such episode, at
-- the first touch of the highest level. severity = levels climbed / ({{ max_level }} = levels - 1).
WITH t AS (
    SELECT journey_id, customer_id, ts, ts_s, seq, event, contact_id, level, context_stage,
           ts_s - LAG(ts_s) OVER (PARTITION BY journey_id ORDER BY seq) AS gap_s
    FROM tl
    WHERE level IS NOT NULL AND ts_s IS NOT NULL
),
e AS (
    SELECT t.*,
           SUM(CASE WHEN gap_s IS NULL OR gap_s > {{ window_s }} THEN 1 ELSE 0 END)
               OVER (PARTITION BY journey_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS episode
    FROM t
),
r AS (
    SELECT e.*,
           ROW_NUMBER() OVER (PARTITION BY journey_id, episode ORDER BY seq) AS rn_first,
           ROW_NUMBER() OVER (PARTITION BY journey_id, episode ORDER BY level DESC, seq) AS rn_peak,
           COUNT(*) OVER (PARTITION BY journey_id, episode) AS n_touches
    FROM e
)
SELECT p.journey_id, p.customer_id, 'escalation' AS kind,
       COALESCE(p.context_stage, f.context_stage) AS stage, p.ts, p.contact_id,
       (p.level - f.level) / {{ max_level }} AS severity,
       'escalated from ' || lf.name || ' (' || f.event || ', ' || SUBSTRING(CAST(f.ts AS STRING), 1, 16)
         || ') to ' || lp.name || ' (' || p.event || ', ' || SUBSTRING(CAST(p.ts AS STRING), 1, 16)
         || ') within ' || CAST(ROUND((p.ts_s - f.ts_s) / 3600.0, 1) AS STRING) || ' h; '
         || CAST(p.n_touches AS STRING) || ' touches in the episode' AS evidence
FROM r p
JOIN r f ON f.journey_id = p.journey_id AND f.episode = p.episode AND f.rn_first = 1
JOIN levels lf ON lf.level = f.level
JOIN levels lp ON lp.level = p.level
WHERE p.rn_peak = 1 AND p.level > f.level
