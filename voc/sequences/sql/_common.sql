{# Shared macros of the sequence queries (imported `with context`, so the dialect macros apply). #}

{% macro safe_div(a, b) -%}
CASE WHEN ({{ b }}) IS NULL OR ({{ b }}) = 0 THEN NULL ELSE CAST({{ a }} AS DOUBLE) / ({{ b }}) END
{%- endmacro %}

{% macro seconds_between(later, earlier) -%}
CAST({{ epoch_us(later) }} - {{ epoch_us(earlier) }} AS DOUBLE) / 1e6
{%- endmacro %}

{% macro in_list(column, values) -%}
{% if values %}{{ column }} IN ({% for v in values %}{{ lit(v) }}{% if not loop.last %}, {% endif %}{% endfor %}){% else %}1 = 0{% endif %}
{%- endmacro %}

{% macro is_contact(column='event') -%}
{{ column }} LIKE 'contact:%'
{%- endmacro %}

{#
  ordered(): the CTE `otl`: every row of {{ source }} with its place in the journey, ordered by (ts, seq):
    pos             1-based position of the step in its journey
    prev_event      the step just before (NULL for the first step)
    prev_ts         its time (NULL for the first step)
    is_last         1 for the last step of the journey, else 0
    prev_contact_ts time of the latest earlier contact step of the journey (NULL if none); only
                    with contacts=True
  With prepared=True (DuckDB: voc.sequences.engine materialises these columns once per timeline,
  in one sort) {{ source }} already has them and `otl` reads it as it is. Otherwise they are
  computed here with window functions (Spark, or any plain timeline view).
#}
{% macro ordered(contacts=False) -%}
{% if prepared %}
otl AS (
    SELECT * FROM {{ source }}
)
{%- else %}
otl AS (
    SELECT t.*,
           ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY ts, seq) AS pos,
           LAG(event) OVER (PARTITION BY journey_id ORDER BY ts, seq) AS prev_event,
           LAG(ts) OVER (PARTITION BY journey_id ORDER BY ts, seq) AS prev_ts,
           CASE WHEN LEAD(event) OVER (PARTITION BY journey_id ORDER BY ts, seq) IS NULL THEN 1 ELSE 0 END AS is_last
           {% if contacts %},
           MAX(CASE WHEN {{ is_contact('event') }} THEN ts END) OVER (
               PARTITION BY journey_id ORDER BY ts, seq
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_contact_ts
           {% endif %}
    FROM {{ source }} t
)
{%- endif %}
{%- endmacro %}

{#
  flagged(outcome): CTEs `otl`, `marked`, `firsts` and `flagged` over {{ source }}. `flagged` has
  journey_id, ts, event, pos (1-based order in the journey), prev_event, is_last, is_outcome
  (0/1) and outcome_pos (position of the first outcome step of the journey, NULL when never
  reached). outcome is a dict from voc.sequences.outcomes.OutcomeSpec.params():
    kind 'events'          is_outcome = event IN events
    kind 'contact'         is_outcome = the step is a contact ('contact:<channel>')
    kind 'contact_intent'  is_outcome = a contact whose intent = outcome.intent
    kind 'repeat_contact'  is_outcome = a contact at most window_s seconds after an earlier contact
  The first outcome position is a GROUP BY joined back (a hash join; no second sort).
#}
{% macro flagged(outcome) -%}
{{ ordered(contacts=(outcome.kind == 'repeat_contact')) }},
marked AS (
    SELECT journey_id, ts, event, pos, prev_event, is_last,
           CASE WHEN {% if outcome.kind == 'events' %}{{ in_list('event', outcome.events) }}
                {%- elif outcome.kind == 'contact' %}{{ is_contact('event') }}
                {%- elif outcome.kind == 'contact_intent' %}{{ is_contact('event') }} AND intent = {{ lit(outcome.intent) }}
                {%- elif outcome.kind == 'repeat_contact' %}{{ is_contact('event') }} AND prev_contact_ts IS NOT NULL
                     AND {{ epoch_us('ts') }} - {{ epoch_us('prev_contact_ts') }} <= {{ (outcome.window_s * 1000000) | round | int }}
                {%- else %}{{ raise_unknown_outcome_kind(outcome.kind) }}{% endif %}
                THEN 1 ELSE 0 END AS is_outcome
    FROM otl
),
firsts AS (
    SELECT journey_id, MIN(CASE WHEN is_outcome = 1 THEN pos END) AS outcome_pos
    FROM marked GROUP BY journey_id
),
flagged AS (
    SELECT m.journey_id, m.ts, m.event, m.pos, m.prev_event, m.is_last, m.is_outcome, f.outcome_pos
    FROM marked m JOIN firsts f ON m.journey_id = f.journey_id
)
{%- endmacro %}
