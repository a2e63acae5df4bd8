{% import '_common.sql' as c with context %}
{# Time between consecutive steps, per transition (from_step -> to_step).
   Params: source.
   Output: from_step, to_step, n, median_s, p90_s, mean_s (seconds; quantiles interpolated). #}
WITH ordered AS (
    SELECT event AS to_step, ts,
           LAG(event) OVER (PARTITION BY journey_id ORDER BY ts, seq) AS from_step,
           LAG(ts) OVER (PARTITION BY journey_id ORDER BY ts, seq) AS prev_ts
    FROM {{ source }}
),
deltas AS (
    SELECT from_step, to_step, {{ c.seconds_between('ts', 'prev_ts') }} AS dt_s
    FROM ordered WHERE from_step IS NOT NULL
)
SELECT from_step, to_step, COUNT(*) AS n,
       {{ quantile('dt_s', 0.5) }} AS median_s,
       {{ quantile('dt_s', 0.9) }} AS p90_s,
       AVG(dt_s) AS mean_s
FROM deltas
GROUP BY from_step, to_step
ORDER BY from_step, to_step
