import type { ImageGenerationRequest } from '../contract/types.ts';
import { validateRequestBody } from '../contract/validators.ts';
import type { Violation } from '../contract/violations.ts';
import type { Catalog } from './catalog.ts';
import { type GenerationLimits, type GenerationPlan, planGeneration, type Refusal } from './plan.ts';

/** What a request body amounts to: the one assessment the resolver and the checks share. */
export interface RequestAssessment {
  /** The parsed body, or its text (cut at 64 KiB) when it is not JSON; absent for an empty body. */
  body?: unknown;
  /** Every violation; empty when the request is planned. */
  violations: Violation[];
  /** The service's answer to a request it refuses, and which rule refuses it. */
  refusal?: Refusal & { message?: string };
  plan?: GenerationPlan;
}

export interface AssessContext {
  catalog: Catalog;
  limits: GenerationLimits;
  /** Seed of a request that sends none. */
  seed: number;
}

const MAX_ECHO = 65_536;

/** Assesses a body already parsed (or recorded as parsed JSON). */
export function assessRequestBody(body: unknown, context: AssessContext): RequestAssessment {
  const schema = validateRequestBody(body);
  if (schema.length > 0) {
    return { body, violations: schema, refusal: { status: 400, violations: schema, by: 'contract' } };
  }
  const planned = planGeneration(
    body as ImageGenerationRequest,
    context.catalog,
    context.limits,
    context.seed,
  );
  if ('plan' in planned) return { body, violations: [], plan: planned.plan };
  return { body, violations: planned.violations, refusal: planned };
}

/** Assesses a body as sent: JSON text first, then the schema, then the model's rules. */
export function assessRequestText(text: string, context: AssessContext): RequestAssessment {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const violations = [{ pointer: '', rule: 'json', message: `body is not valid JSON: ${detail}` }];
    const refusal = {
      status: 400 as const,
      violations,
      by: 'contract' as const,
      message: `Request body is not valid JSON: ${detail}`,
    };
    const assessment: RequestAssessment = { violations, refusal };
    if (text) assessment.body = text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text;
    return assessment;
  }
  return assessRequestBody(body, context);
}
