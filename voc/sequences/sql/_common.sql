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
  flagged(outcome): CTEs `base` and `flagged` over {{ source }}. `flagged` has
  journey_id, ts, seq, event, pos (1-based order in the journey), is_outcome (0/1) and
  outcome_pos (position of the first outcome step of the journey, NULL when never reached).
  outcome is a dict from voc.sequences.outcomes.OutcomeSpec.params():
    kind 'events'          is_outcome = event IN events
    kind 'contact'         is_outcome = the step is a contact ('contact:<channel>')
    kind 'contact_intent'  is_outcome = a contact whose intent = outcome.intent
    kind 'repeat_contact'  is_outcome = a contact at most window_s seconds after an earlier contact
#}
{% macro flagged(outcome) -%}
base AS (
    SELECT journey_id, ts, seq, event,
           {% if outcome.kind == 'contact_intent' %}intent,{% endif %}
           ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY ts, seq) AS pos
    FROM {{ source }}
),
{% if outcome.kind == 'repeat_contact' %}
with_prev AS (
    SELECT b.*,
           MAX(CASE WHEN {{ is_contact('event') }} THEN ts END) OVER (
               PARTITION BY journey_id ORDER BY pos
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_contact_ts
    FROM base b
),
{% endif %}
marked AS (
    SELECT journey_id, ts, seq, event, pos,
           CASE WHEN {% if outcome.kind == 'events' %}{{ in_list('event', outcome.events) }}
                {%- elif outcome.kind == 'contact' %}{{ is_contact('event') }}
                {%- elif outcome.kind == 'contact_intent' %}{{ is_contact('event') }} AND intent = {{ lit(outcome.intent) }}
                {%- elif outcome.kind == 'repeat_contact' %}{{ is_contact('event') }} AND prev_contact_ts IS NOT NULL
                     AND {{ epoch_us('ts') }} - {{ epoch_us('prev_contact_ts') }} <= {{ (outcome.window_s * 1000000) | round | int }}
                {%- else %}{{ raise_unknown_outcome_kind(outcome.kind) }}{% endif %}
                THEN 1 ELSE 0 END AS is_outcome
    FROM {% if outcome.kind == 'repeat_contact' %}with_prev{% else %}base{% endif %}
),
flagged AS (
    SELECT journey_id, ts, seq, event, pos, is_outcome,
           MIN(CASE WHEN is_outcome = 1 THEN pos END) OVER (PARTITION BY journey_id) AS outcome_pos
    FROM marked
)
{%- endmacro %}
