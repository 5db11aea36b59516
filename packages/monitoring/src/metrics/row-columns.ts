import type { InferenceMetricRow, MonitorColumn } from '@ragops/core';

/** Value of an allow-listed monitoring column on a scanned inference row (the only column access config gets). */
export function columnValue(row: InferenceMetricRow, column: MonitorColumn): string | number | boolean | null {
  switch (column) {
    case 'source':
      return row.source;
    case 'served_entity':
      return row.servedEntity;
    case 'traffic_arm':
      return row.trafficArm;
    case 'assignment':
      return row.assignment;
    case 'model_name':
      return row.modelName;
    case 'model_version':
      return row.modelVersion;
    case 'index_name':
      return row.indexName;
    case 'index_version':
      return row.indexVersion;
    case 'llm_provider':
      return row.llmProvider;
    case 'llm_model':
      return row.llmModel;
    case 'llm_fallback_from':
      return row.llmFallbackFrom;
    case 'status':
      return row.status;
    case 'http_status':
      return row.httpStatus;
    case 'error_code':
      return row.errorCode;
    case 'finish_reason':
      return row.finishReason;
    case 'stream':
      return row.stream;
    case 'tokens_source':
      return row.tokensSource;
    case 'caller':
      return row.caller;
    case 'latency_total_ms':
      return row.latencyTotalMs;
    case 'latency_retrieval_ms':
      return row.latencyRetrievalMs;
    case 'latency_generation_ms':
      return row.latencyGenerationMs;
    case 'ttft_ms':
      return row.ttftMs;
    case 'tokens_in':
      return row.tokensIn;
    case 'tokens_out':
      return row.tokensOut;
    case 'cost_usd':
      return row.costUsd;
    case 'answer_chars':
      return row.answerChars;
    case 'retrieved_count':
      return row.retrievalScores?.length ?? null;
    case 'top_score':
      return row.retrievalScores?.[0] ?? null;
  }
}

/** A numeric column's value, or null when absent or not a number. */
export function numericValue(row: InferenceMetricRow, column: MonitorColumn): number | null {
  const v = columnValue(row, column);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
