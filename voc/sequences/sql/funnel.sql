{% import '_common.sql' as c with context %}
{# Ordered funnel: a journey reaches step k when it did steps 1..k in this order (other steps
   may come in between; each step matched at its first occurrence after the previous one).
   Params: source, prepared (source has pos, see c.ordered()), steps (at least one; each an event
   name, or {name, events}: the step's label and the event names it stands for, e.g. a glob of
   journey.funnel expanded by voc.globs.expand -- any of them reaches the step).
   Output: step_index (1-based), step, journeys (reaching step k in order), journeys_with_step
   (journeys containing the step anywhere; 0 means the step never occurs: E304),
   total_journeys, conversion_from_start (journeys / journeys of step 1), drop_off_from_previous
   (1 - journeys / journeys of step k-1; NULL for step 1), median_s_from_previous. #}
{% set ns = namespace(all=[]) %}
{% for s in steps %}{% set ns.all = ns.all + (s.events if s is mapping else [s]) %}{% endfor %}
WITH ev AS (
{% if prepared %}
    SELECT journey_id, ts, CAST(event AS STRING) AS event, pos
{% else %}
    SELECT journey_id, ts, event,
           ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY ts, seq) AS pos
{% endif %}
    FROM {{ source }}
    WHERE {{ c.in_list('event', ns.all) }}
),
{% for s in steps %}
r{{ loop.index }} AS (
{% if loop.first %}
    SELECT journey_id, MIN(pos) AS pos, MIN(ts) AS ts, CAST(NULL AS DOUBLE) AS dt_s
    FROM ev WHERE {{ c.in_list('event', s.events if s is mapping else [s]) }} GROUP BY journey_id
{% else %}
    SELECT e.journey_id, MIN(e.pos) AS pos, MIN(e.ts) AS ts,
           {{ c.seconds_between('MIN(e.ts)', 'MIN(p.ts)') }} AS dt_s
    FROM ev e JOIN r{{ loop.index0 }} p ON e.journey_id = p.journey_id AND e.pos > p.pos
    WHERE {{ c.in_list('e.event', s.events if s is mapping else [s]) }} GROUP BY e.journey_id
{% endif %}
),
{% endfor %}
present AS (
{% for s in steps %}
    SELECT {{ loop.index }} AS step_index, COUNT(DISTINCT journey_id) AS n
    FROM ev WHERE {{ c.in_list('event', s.events if s is mapping else [s]) }}
{% if not loop.last %}    UNION ALL
{% endif %}
{% endfor %}
),
reached AS (
{% for s in steps %}
    SELECT {{ loop.index }} AS step_index, {{ lit(s.name if s is mapping else s) }} AS step, COUNT(*) AS journeys,
           {{ quantile('dt_s', 0.5) }} AS median_s_from_previous
    FROM r{{ loop.index }}
{% if not loop.last %}    UNION ALL
{% endif %}
{% endfor %}
),
totals AS (
{% if prepared %}
    SELECT SUM(is_last) AS total_journeys FROM {{ source }}
{% else %}
    SELECT COUNT(DISTINCT journey_id) AS total_journeys FROM {{ source }}
{% endif %}
),
windowed AS (
    SELECT r.*,
           FIRST_VALUE(r.journeys) OVER (ORDER BY r.step_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS first_journeys,
           LAG(r.journeys) OVER (ORDER BY r.step_index) AS prev_journeys
    FROM reached r
)
SELECT w.step_index, w.step, w.journeys,
       COALESCE(p.n, 0) AS journeys_with_step,
       t.total_journeys,
       {{ c.safe_div('w.journeys', 'w.first_journeys') }} AS conversion_from_start,
       CASE WHEN w.step_index = 1 THEN NULL
            ELSE 1 - {{ c.safe_div('w.journeys', 'w.prev_journeys') }} END AS drop_off_from_previous,
       w.median_s_from_previous
FROM windowed w
LEFT JOIN present p ON p.step_index = w.step_index
CROSS JOIN totals t
ORDER BY w.step_index
