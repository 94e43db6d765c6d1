import {
  getArgumentValues,
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type SelectionSetNode,
} from 'graphql';

/** Shopify charges a flat 10 points per mutation field, whatever the payload selects. */
export const MUTATION_COST = 10;

interface CostContext {
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/**
 * Shopify's calculated query cost: scalars and enums 0, objects 1, a connection 2 plus its page
 * size times the cost of one item, a mutation 10. `requested` is computed from the query (the
 * worst case); `actual` from the data returned, and the difference is refunded to the bucket.
 */
export function requestedCost(
  selectionSet: SelectionSetNode,
  rootType: GraphQLObjectType,
  isMutation: boolean,
  context: CostContext,
): number {
  if (isMutation) {
    let cost = 0;
    forEachField(selectionSet, rootType, context, (name) => {
      if (!name.startsWith('__')) cost += MUTATION_COST;
    });
    return cost;
  }
  return selectionCost(selectionSet, rootType, context);
}

export function actualCost(
  selectionSet: SelectionSetNode,
  rootType: GraphQLObjectType,
  isMutation: boolean,
  data: unknown,
  context: CostContext,
): number {
  if (isMutation) return requestedCost(selectionSet, rootType, true, context);
  return dataCost(selectionSet, rootType, data, context);
}

function selectionCost(
  selectionSet: SelectionSetNode,
  parentType: GraphQLObjectType,
  context: CostContext,
): number {
  let cost = 0;
  forEachField(selectionSet, parentType, context, (name, field, definition) => {
    if (name.startsWith('__') || !definition) return;
    const named = getNamedType(definition.type);
    if (isLeafType(named) || !isObjectType(named) || !field.selectionSet) return;
    const args = argumentValues(definition, field, context);
    if (isConnection(named)) {
      cost += 2 + pageSize(args) * connectionItemCost(field.selectionSet, named, context);
    } else if (isList(definition.type)) {
      const count = typeof args['first'] === 'number' ? args['first'] : 1;
      cost += count * (1 + selectionCost(field.selectionSet, named, context));
    } else {
      cost += 1 + selectionCost(field.selectionSet, named, context);
    }
  });
  return cost;
}

function connectionItemCost(
  selectionSet: SelectionSetNode,
  connection: GraphQLObjectType,
  context: CostContext,
): number {
  let cost = 0;
  forEachField(selectionSet, connection, context, (name, field, definition) => {
    if (!definition || !field.selectionSet || (name !== 'nodes' && name !== 'edges')) return;
    const item = getNamedType(definition.type);
    if (isObjectType(item)) cost += 1 + selectionCost(field.selectionSet, item, context);
  });
  return cost;
}

function dataCost(
  selectionSet: SelectionSetNode,
  parentType: GraphQLObjectType,
  data: unknown,
  context: CostContext,
): number {
  if (!isRecord(data)) return 0;
  let cost = 0;
  forEachField(selectionSet, parentType, context, (name, field, definition, key) => {
    if (name.startsWith('__') || !definition || !field.selectionSet) return;
    const named = getNamedType(definition.type);
    if (!isObjectType(named)) return;
    const value = data[key];
    if (value === null || value === undefined) return;
    if (isConnection(named)) {
      cost += 2;
      forEachField(field.selectionSet, named, context, (itemName, itemField, itemDefinition, itemKey) => {
        if (!itemDefinition || !itemField.selectionSet || (itemName !== 'nodes' && itemName !== 'edges'))
          return;
        const itemType = getNamedType(itemDefinition.type);
        const items = isRecord(value) ? value[itemKey] : undefined;
        if (!isObjectType(itemType) || !Array.isArray(items)) return;
        for (const item of items) cost += 1 + dataCost(itemField.selectionSet, itemType, item, context);
      });
    } else if (Array.isArray(value)) {
      for (const item of value) cost += 1 + dataCost(field.selectionSet, named, item, context);
    } else {
      cost += 1 + dataCost(field.selectionSet, named, value, context);
    }
  });
  return cost;
}

type FieldVisitor = (
  name: string,
  field: import('graphql').FieldNode,
  definition: GraphQLField<unknown, unknown> | undefined,
  responseKey: string,
) => void;

function forEachField(
  selectionSet: SelectionSetNode,
  parentType: GraphQLObjectType,
  context: CostContext,
  visit: FieldVisitor,
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      visit(name, selection, parentType.getFields()[name], selection.alias?.value ?? name);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      forEachField(selection.selectionSet, parentType, context, visit);
    } else {
      const fragment = context.fragments[selection.name.value];
      if (fragment) forEachField(fragment.selectionSet, parentType, context, visit);
    }
  }
}

function argumentValues(
  definition: GraphQLField<unknown, unknown>,
  field: import('graphql').FieldNode,
  context: CostContext,
): Record<string, unknown> {
  try {
    return getArgumentValues(definition, field, context.variables);
  } catch {
    // Invalid arguments fail at execution with a proper error; for the cost they count as none.
    return {};
  }
}

function pageSize(args: Record<string, unknown>): number {
  const first = args['first'];
  const last = args['last'];
  if (typeof first === 'number') return Math.max(0, first);
  if (typeof last === 'number') return Math.max(0, last);
  return 0;
}

function isConnection(type: GraphQLObjectType): boolean {
  return type.name.endsWith('Connection');
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
