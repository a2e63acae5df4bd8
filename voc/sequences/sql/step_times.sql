{% import '_common.sql' as c with context %}
{# Time between consecutive steps, per transition (from_step -> to_step).
   Params: source, prepared (source already has the columns of c.ordered()).
   Output: from_step, to_step, n, median_s, p90_s, mean_s (seconds; quantiles interpolated). #}
WITH {{ c.ordered() }},
deltas AS (
    SELECT prev_event AS from_step, event AS to_step, {{ c.seconds_between('ts', 'prev_ts') }} AS dt_s
    FROM otl WHERE prev_event IS NOT NULL
)
SELECT CAST(from_step AS STRING) AS from_step, CAST(to_step AS STRING) AS to_step, COUNT(*) AS n,
       {{ quantile('dt_s', 0.5) }} AS median_s,
       {{ quantile('dt_s', 0.9) }} AS p90_s,
       AVG(dt_s) AS mean_s
FROM deltas
GROUP BY from_step, to_step
ORDER BY from_step, to_step
