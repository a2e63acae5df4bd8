-- Hand-off ping-pong on journey.columns.actor (team, queue, agent group): the journey is handed
-- from actor A to B and back to A (A -> B -> A; steps of the same actor in a row are one stay).
-- A bounce is a hand-off back to the actor the previous hand-off came from. One row per journey
-- with bounces, at the first bounce, naming both actors; severity = 0.5 for one bounce, + 0.25 per
-- further bounce, capped at 1. No rows when the log has no actor column (actor NULL).
WITH a AS (
    SELECT journey_id, customer_id, ts, ts_s, seq, event, actor, stage, context_stage,
           LAG(actor) OVER (PARTITION BY journey_id ORDER BY seq) AS prev_actor
    FROM tl
    WHERE kind = 'event' AND actor IS NOT NULL
),
h AS (      -- hand-offs: the actor changes
    SELECT * FROM a WHERE prev_actor IS NOT NULL AND actor <> prev_actor
),
b AS (
    SELECT h.*,
           LAG(prev_actor) OVER (PARTITION BY journey_id ORDER BY seq) AS last_from,
           LAG(ts_s) OVER (PARTITION BY journey_id ORDER BY seq) AS last_ts_s
    FROM h
),
bounce AS (  -- this hand-off goes back to where the previous one came from: A -> B, then B -> A
    SELECT b.*, ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY seq) AS rn,
           COUNT(*) OVER (PARTITION BY journey_id) AS n_bounces
    FROM b WHERE last_from = actor
),
actors AS (
    SELECT journey_id, COUNT(DISTINCT actor) AS n_actors FROM a GROUP BY journey_id
)
SELECT f.journey_id, f.customer_id, 'handoff_pingpong' AS kind, COALESCE(f.stage, f.context_stage) AS stage, f.ts,
       CAST(NULL AS STRING) AS contact_id,
       LEAST(1.0, 0.5 + 0.25 * (f.n_bounces - 1)) AS severity,
       '''' || f.actor || ''' -> ''' || f.prev_actor || ''' -> ''' || f.actor || ''' (back at '''
         || f.event || ''' ' || CAST(ROUND((f.ts_s - f.last_ts_s) / 3600.0, 1) AS STRING) || ' h after the hand-off to '''
         || f.prev_actor || '''); ' || CAST(f.n_bounces AS STRING) || ' bounce(s) between '
         || CAST(x.n_actors AS STRING) || ' actors in the journey' AS evidence
FROM bounce f
JOIN actors x ON x.journey_id = f.journey_id
WHERE f.rn = 1
