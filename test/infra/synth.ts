import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnResource, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type SipasStacks } from '../../infra/stacks/build-app';

export interface Synthesized extends SipasStacks {
  outdir: string;
  statefulTemplate: Template;
  statelessTemplate: Template;
}

/**
 * Synthesizes the whole app once for a stage, as `cdk synth -c stage=…` would (the cdk-nag
 * validation included: an unacknowledged finding makes the synth throw). `bundle: false` skips
 * esbuild, for stages whose assertions never look at the code.
 */
export function synthesize(context: Record<string, unknown>, options: { bundle: boolean }): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'sipas-cdk-'));
  const app = new App({
    outdir,
    context: { ...context, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const stacks = buildApp(app);
  app.synth();
  return {
    ...stacks,
    outdir,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
  };
}

export function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnResource);
}

export type Resource = { Type: string; Properties: Record<string, unknown>; [key: string]: unknown };

export function resourcesOf(template: Template, type?: string): Record<string, Resource> {
  const all = template.toJSON().Resources as Record<string, Resource>;
  return Object.fromEntries(
    Object.entries(all).filter(([, resource]) => type === undefined || resource.Type === type),
  );
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
