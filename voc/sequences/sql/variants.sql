{% import '_common.sql' as c with context %}
{# Path variants: journeys grouped by their whole ordered sequence of steps.
   Params: source, prepared (source has pos, see c.ordered()), max_steps (steps shown in `variant` before it is cut with
   ' > ... (+k more)'), max_variants (rows kept; the rest are summed in one '(other variants)' row).
   Output: variant, length, journeys, share, rank (1 = most frequent; 0 for the '(other variants)' row).
   Grouping is on the full sequence; only the display string is cut. #}
WITH per_journey AS (
    SELECT journey_id, {{ ordered_list('event', ['pos'] if prepared else ['ts', 'seq']) }} AS steps
    FROM {{ source }}
    GROUP BY journey_id
),
grouped AS (
    SELECT steps, COUNT(*) AS journeys FROM per_journey GROUP BY steps
),
ranked AS (
    SELECT steps, journeys, {{ list_len('steps') }} AS length,
           ROW_NUMBER() OVER (ORDER BY journeys DESC, {{ list_len('steps') }}, {{ list_join('steps', ' > ') }}) AS rnk,
           CAST(journeys AS DOUBLE) / SUM(journeys) OVER () AS share
    FROM grouped
)
SELECT CASE WHEN length > {{ max_steps }}
            THEN concat({{ list_join(list_head('steps', max_steps), ' > ') }}, ' > … (+', CAST(length - {{ max_steps }} AS STRING), ' more)')
            ELSE {{ list_join('steps', ' > ') }} END AS variant,
       length, journeys, share, rnk AS rank
FROM ranked WHERE rnk <= {{ max_variants }}
UNION ALL
SELECT '(other variants)' AS variant, CAST(NULL AS BIGINT) AS length, SUM(journeys) AS journeys, SUM(share) AS share, 0 AS rank
FROM ranked WHERE rnk > {{ max_variants }}
HAVING COUNT(*) > 0
ORDER BY rank = 0, rank
