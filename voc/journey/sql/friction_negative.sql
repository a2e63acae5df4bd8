-- Conversations that end negative: the contact is labelled 'negative' (the label behind the report's negative
-- share, which weighs the customer's latest turns most: sentiment.recency_decay) and its last customer turn did not
-- end positive (sentiment_end below 0, or no end score). So these are a subset of the contacts the negative share
-- counts. Before, a sentiment_end below 0 alone was enough, and a model whose score leans negative on neutral
-- support requests flagged far more contacts "ended negative" than it labelled negative.
-- severity = -sentiment_end (at least 0.3), or 0.6 without an end score.
SELECT journey_id, customer_id, 'negative_end' AS kind, context_stage AS stage, ts, contact_id,
       CASE WHEN sentiment_end IS NOT NULL THEN GREATEST(0.3, LEAST(1.0, -sentiment_end)) ELSE 0.6 END AS severity,
       event || COALESCE(' about ' || intent, '') || ' ended negative (sentiment ''negative'''
         || CASE WHEN sentiment_end IS NOT NULL THEN ', customer sentiment at the end ' || CAST(ROUND(sentiment_end, 2) AS STRING)
                 ELSE '' END || ')' AS evidence
FROM tl
WHERE kind = 'contact'
  AND LOWER(sentiment) = 'negative'
  AND (sentiment_end IS NULL OR sentiment_end < 0)
