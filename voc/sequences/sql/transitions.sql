{% import '_common.sql' as c with context %}
{# First-order Markov transitions between consecutive steps (directly-follows graph), with the
   explicit states '(start)' (before the first step) and '(end)' (after the last step).
   Params: source, prepared (source already has the columns of c.ordered()).
   Output: from_step, to_step, count (journeys x occurrences of the pair),
           probability (count / all transitions out of from_step; sums to 1 per from_step).
   One pass: the (previous step, step, is last) triples are counted first (a hash aggregate
   over the ordered timeline), then expanded into the pairs. #}
WITH {{ c.ordered() }},
triples AS (
    SELECT prev_event, event, is_last, COUNT(*) AS n FROM otl GROUP BY prev_event, event, is_last
),
pairs AS (
    SELECT COALESCE(CAST(prev_event AS STRING), '(start)') AS from_step, CAST(event AS STRING) AS to_step, n FROM triples
    UNION ALL
    SELECT CAST(event AS STRING) AS from_step, '(end)' AS to_step, n FROM triples WHERE is_last = 1
),
counted AS (
    SELECT from_step, to_step, SUM(n) AS n FROM pairs GROUP BY from_step, to_step
)
SELECT from_step, to_step, n AS count,
       CAST(n AS DOUBLE) / SUM(n) OVER (PARTITION BY from_step) AS probability
FROM counted
ORDER BY from_step, count DESC, to_step
