/**
 * Build-time only: checks every operation of every live app version's manifest against a mobile
 * schema (the one about to ship), so a schema change that breaks an installed app is refused before
 * it is deployed — the BFF can keep the rest of the graph moving while old apps stay installed.
 *
 * - An operation that no longer validates against the new schema breaks its app version: it would
 *   be refused with GRAPHQL_VALIDATION_FAILED for every user still on that version.
 * - Each breaking or dangerous change between the previous schema (the committed snapshot) and the
 *   new one is listed with the app versions whose operations use what it changes.
 * - Deprecated fields, arguments and enum values the live manifests still use are listed, so a
 *   deprecation can be removed once no live version uses it.
 */
import type { LoadedManifest } from '@shop/bff';
import type { SchemaChange } from './schema-snapshot';
import {
  getNamedType,
  parse,
  specifiedRules,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

export interface BrokenOperation {
  /** `<app>@<version>` */
  version: string;
  file: string;
  operation: string;
  errors: string[];
}

export interface DeprecationUse {
  /** schema coordinate: Type.field, Type.field(arg:), Enum.VALUE, Input.field */
  coordinate: string;
  reason: string;
  /** `<app>@<version>`: operation names */
  usedBy: Record<string, string[]>;
}

export interface ChangeImpact {
  change: SchemaChange;
  /** app versions whose operations use the changed element */
  versions: string[];
}

export interface MobileSchemaReport {
  versions: string[];
  operations: number;
  broken: BrokenOperation[];
  /** every version with at least one broken operation */
  brokenVersions: string[];
  changes: ChangeImpact[];
  deprecations: DeprecationUse[];
}

const versionOf = (m: LoadedManifest) => `${m.app}@${m.version}`;

/** The schema coordinates an operation touches, resolved against `schema` (elements it lacks are skipped). */
export function coordinatesUsed(schema: GraphQLSchema, doc: DocumentNode): Set<string> {
  const used = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    doc,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field) used.add(`${parent.name}.${field.name}`);
        const type = typeInfo.getType();
        if (type) used.add(getNamedType(type).name);
      },
      Argument() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const argument = typeInfo.getArgument();
        if (parent && field && argument) used.add(`${parent.name}.${field.name}.${argument.name}`);
      },
      ObjectField(node) {
        const input = typeInfo.getParentInputType();
        if (input) used.add(`${getNamedType(input).name}.${node.name.value}`);
      },
      EnumValue(node) {
        const type = typeInfo.getInputType();
        if (type) used.add(`${getNamedType(type).name}.${node.value}`);
      },
      VariableDefinition(node) {
        let type = node.type;
        while (type.kind !== 'NamedType') type = type.type;
        used.add(type.name.value);
      },
      FragmentDefinition(node) {
        used.add(node.typeCondition.name.value);
      },
      InlineFragment(node) {
        if (node.typeCondition) used.add(node.typeCondition.name.value);
      },
    }),
  );
  return used;
}

/** Deprecated elements of `schema` an operation uses, coordinate → reason. */
function deprecationsUsed(schema: GraphQLSchema, doc: DocumentNode): Map<string, string> {
  const found = new Map<string, string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    doc,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field?.deprecationReason) found.set(`${parent.name}.${field.name}`, field.deprecationReason);
      },
      Argument() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const argument = typeInfo.getArgument();
        if (parent && field && argument?.deprecationReason) found.set(`${parent.name}.${field.name}(${argument.name}:)`, argument.deprecationReason);
      },
      ObjectField(node) {
        const input = typeInfo.getParentInputType();
        const named = input ? getNamedType(input) : undefined;
        if (named && 'getFields' in named) {
          const field = (named.getFields() as Record<string, { deprecationReason?: string | null }>)[node.name.value];
          if (field?.deprecationReason) found.set(`${named.name}.${node.name.value}`, field.deprecationReason);
        }
      },
      EnumValue(node) {
        const value = typeInfo.getEnumValue();
        const type = typeInfo.getInputType();
        if (value?.deprecationReason && type) found.set(`${getNamedType(type).name}.${node.value}`, value.deprecationReason);
      },
    }),
  );
  return found;
}

/** Whether a change at `path` (graphql-inspector's: Type, Type.field, Type.field.arg, Enum.VALUE) touches what an operation uses. */
function touches(path: string | undefined, used: Set<string>): boolean {
  if (!path) return false;
  for (const coordinate of used) {
    if (coordinate === path || coordinate.startsWith(`${path}.`)) return true;
    // an argument or input field added to something used (a new required argument breaks callers that never pass it)
    if (path.startsWith(`${coordinate}.`) && coordinate.includes('.')) return true;
  }
  return false;
}

/**
 * Checks the manifests against `next` (the schema about to be served). With `previous` and the
 * changes between the two (diffSnapshots), each breaking or dangerous change is mapped to the
 * versions that use what it changes.
 */
export function checkManifests(manifests: LoadedManifest[], next: GraphQLSchema, previous?: { schema: GraphQLSchema; changes: SchemaChange[] }): MobileSchemaReport {
  const broken: BrokenOperation[] = [];
  const deprecations = new Map<string, DeprecationUse>();
  const usage: { version: string; used: Set<string> }[] = [];
  let operations = 0;
  for (const manifest of manifests) {
    for (const op of manifest.operations) {
      operations += 1;
      const doc = parse(op.body);
      const errors = validate(next, doc, specifiedRules);
      if (errors.length > 0) broken.push({ version: versionOf(manifest), file: manifest.file, operation: op.name, errors: errors.map((e) => e.message) });
      for (const [coordinate, reason] of deprecationsUsed(next, doc)) {
        const entry = deprecations.get(coordinate) ?? { coordinate, reason, usedBy: {} };
        (entry.usedBy[versionOf(manifest)] ??= []).push(op.name);
        deprecations.set(coordinate, entry);
      }
      if (previous) usage.push({ version: versionOf(manifest), used: coordinatesUsed(previous.schema, doc) });
    }
  }
  const changes = (previous?.changes ?? [])
    .filter((c) => c.level !== 'SAFE')
    .map((change) => ({ change, versions: [...new Set(usage.filter((u) => touches(change.path, u.used)).map((u) => u.version))].sort() }));
  return {
    versions: manifests.map(versionOf),
    operations,
    broken,
    brokenVersions: [...new Set(broken.map((b) => b.version))].sort(),
    changes,
    deprecations: [...deprecations.values()].sort((a, b) => a.coordinate.localeCompare(b.coordinate)),
  };
}

/** The report as the script prints it. */
export function describeReport(report: MobileSchemaReport): string {
  const lines = [`Checked ${report.operations} operations of ${report.versions.length} app version(s): ${report.versions.join(', ') || 'none'}.`];
  if (report.broken.length === 0) lines.push('No live app version breaks.');
  else {
    lines.push(`BREAKS ${report.brokenVersions.join(', ')}:`);
    for (const b of report.broken) lines.push(`  ${b.version} ${b.operation} (${b.file}):`, ...b.errors.map((e) => `    ${e}`));
  }
  const impacting = report.changes.filter((c) => c.versions.length > 0);
  if (report.changes.length > 0) {
    lines.push('Breaking and dangerous changes since the snapshot, and the live versions using what they change:');
    for (const c of report.changes) lines.push(`  [${c.change.level}] ${c.change.message} → ${c.versions.length > 0 ? c.versions.join(', ') : 'no live version uses it'}`);
  }
  if (report.deprecations.length > 0) {
    lines.push('Deprecated elements still used by live versions:');
    for (const d of report.deprecations) {
      lines.push(`  ${d.coordinate} (${d.reason}): ${Object.entries(d.usedBy).map(([v, ops]) => `${v} ${ops.join(', ')}`).join('; ')}`);
    }
  }
  if (impacting.length === 0 && report.broken.length === 0 && report.deprecations.length === 0 && report.changes.length === 0) lines.push('No schema change since the snapshot, no deprecation in use.');
  return lines.join('\n');
}
