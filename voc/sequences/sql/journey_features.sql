{% import '_common.sql' as c with context %}
{# One row per journey: sequence features for journeys.parquet.
   Params: source, prepared (source already has the columns of c.ordered()), outcomes (list of
   {name, column, events}), max_path_steps.
   Output: journey_id, n_steps, n_distinct_steps, start, end, duration_s, path (first
   max_path_steps steps joined by ' > ', then ' > ... (+k more)'), first_step, last_step,
   n_loops (steps equal to the step just before: consecutive repeats), n_contacts,
   time_to_first_contact_s (NULL without contact), and one 0/1 column per outcome. #}
WITH {{ c.ordered() }},
agg AS (
    SELECT journey_id,
           COUNT(*) AS n_steps,
           COUNT(DISTINCT event) AS n_distinct_steps,
           MIN(ts) AS start_ts,
           MAX(ts) AS end_ts,
           MAX(CASE WHEN pos = 1 THEN event END) AS first_step,
           MAX(CASE WHEN is_last = 1 THEN event END) AS last_step,
           SUM(CASE WHEN event = prev_event THEN 1 ELSE 0 END) AS n_loops,
           SUM(CASE WHEN {{ c.is_contact('event') }} THEN 1 ELSE 0 END) AS n_contacts,
           MIN(CASE WHEN {{ c.is_contact('event') }} THEN ts END) AS first_contact_ts
           {% for oc in outcomes %},
           MAX(CASE WHEN {{ c.in_list('event', oc.events) }} THEN 1 ELSE 0 END) AS {{ ident(oc.column) }}
           {% endfor %}
    FROM otl
    GROUP BY journey_id
),
head AS (
    SELECT journey_id, {{ ordered_list('event', ['pos']) }} AS steps
    FROM otl WHERE pos <= {{ max_path_steps }}
    GROUP BY journey_id
)
SELECT a.journey_id, a.n_steps, a.n_distinct_steps,
       a.start_ts AS {{ ident('start') }}, a.end_ts AS {{ ident('end') }},
       {{ c.seconds_between('a.end_ts', 'a.start_ts') }} AS duration_s,
       CASE WHEN a.n_steps > {{ max_path_steps }}
            THEN concat({{ list_join('h.steps', ' > ') }}, ' > … (+', CAST(a.n_steps - {{ max_path_steps }} AS STRING), ' more)')
            ELSE {{ list_join('h.steps', ' > ') }} END AS path,
       CAST(a.first_step AS STRING) AS first_step, CAST(a.last_step AS STRING) AS last_step,
       a.n_loops, a.n_contacts,
       CASE WHEN a.first_contact_ts IS NULL THEN NULL
            ELSE {{ c.seconds_between('a.first_contact_ts', 'a.start_ts') }} END AS time_to_first_contact_s
       {% for oc in outcomes %},
       a.{{ ident(oc.column) }}
       {% endfor %}
FROM agg a JOIN head h ON a.journey_id = h.journey_id
ORDER BY a.journey_id
