{% import '_common.sql' as c with context %}
{# Time from the first step of a journey to its first outcome step, over journeys that reach it.
   Params: source, prepared (source already has the columns of c.ordered()), outcome
   (OutcomeSpec.params()).
   Output: outcome, n, median_s, p90_s, mean_s (no row when no journey reaches the outcome). #}
WITH {{ c.flagged(outcome) }},
per_journey AS (
    SELECT journey_id, MIN(ts) AS start_ts, MIN(CASE WHEN is_outcome = 1 THEN ts END) AS outcome_ts
    FROM marked GROUP BY journey_id
),
deltas AS (
    SELECT {{ lit(outcome.name) }} AS outcome, {{ c.seconds_between('outcome_ts', 'start_ts') }} AS dt_s
    FROM per_journey WHERE outcome_ts IS NOT NULL
)
SELECT outcome, COUNT(*) AS n,
       {{ quantile('dt_s', 0.5) }} AS median_s,
       {{ quantile('dt_s', 0.9) }} AS p90_s,
       AVG(dt_s) AS mean_s
FROM deltas
GROUP BY outcome
