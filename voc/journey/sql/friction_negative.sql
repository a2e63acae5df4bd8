-- Conversations that end negative: the customer's sentiment at the end of the contact is below 0,
-- or (without an end score) the contact's sentiment is 'negative'.
-- severity = -sentiment_end (at least 0.3), or 0.6 from the label alone.
SELECT journey_id, customer_id, 'negative_end' AS kind, context_stage AS stage, ts, contact_id,
       CASE WHEN sentiment_end IS NOT NULL THEN GREATEST(0.3, LEAST(1.0, -sentiment_end)) ELSE 0.6 END AS severity,
       event || COALESCE(' about ' || intent, '') || ' ended negative ('
         || CASE WHEN sentiment_end IS NOT NULL THEN 'customer sentiment at the end ' || CAST(ROUND(sentiment_end, 2) AS STRING)
                 ELSE 'sentiment ''' || sentiment || '''' END || ')' AS evidence
FROM tl
WHERE kind = 'contact'
  AND (sentiment_end < 0 OR (sentiment_end IS NULL AND LOWER(sentiment) = 'negative'))
