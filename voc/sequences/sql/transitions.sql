{# First-order Markov transitions between consecutive steps (directly-follows graph), with the
   explicit states '(start)' (before the first step) and '(end)' (after the last step).
   Params: source.
   Output: from_step, to_step, count (journeys x occurrences of the pair),
           probability (count / all transitions out of from_step; sums to 1 per from_step). #}
WITH ordered AS (
    SELECT event,
           LAG(event) OVER (PARTITION BY journey_id ORDER BY ts, seq) AS prev_event,
           ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY ts DESC, seq DESC) AS rpos
    FROM {{ source }}
),
pairs AS (
    SELECT COALESCE(prev_event, '(start)') AS from_step, event AS to_step FROM ordered
    UNION ALL
    SELECT event AS from_step, '(end)' AS to_step FROM ordered WHERE rpos = 1
),
counted AS (
    SELECT from_step, to_step, COUNT(*) AS n FROM pairs GROUP BY from_step, to_step
)
SELECT from_step, to_step, n AS count,
       CAST(n AS DOUBLE) / SUM(n) OVER (PARTITION BY from_step) AS probability
FROM counted
ORDER BY from_step, count DESC, to_step
