/**
 * A Traefik rule as a list of portable matches: the rule is brought to disjunctive normal form (an OR
 * of ANDs), and each AND becomes one match. What a match cannot hold — a negated matcher, HostRegexp,
 * ClientIP, a second path or host in one AND — is reported and left out, so the translation errs on
 * the side of matching more, and says so.
 */
import { resolveMatcherName, V3_MATCHERS } from '../../routing/traefik-matchers.ts';
import { V2_MATCHERS } from '../../routing/traefik-matchers-v2.ts';
import { parseRule, type RuleNode } from '../../routing/traefik-rule-parser.ts';
import { emptyMatch, type PMatch } from './model.ts';

type Leaf = Extract<RuleNode, { kind: 'call' }> & { negated: boolean };

/** The rule's terms: each inner list is an AND of leaves. Capped so a pathological rule stays small. */
function dnf(node: RuleNode, negated = false): Leaf[][] {
  switch (node.kind) {
    case 'call':
      return [[{ ...node, negated }]];
    case 'not':
      return dnf(node.operand, !negated);
    default: {
      // De Morgan under a negation: !(a && b) = !a || !b.
      const isAnd = (node.kind === 'and') !== negated;
      const l = dnf(node.left, negated);
      const r = dnf(node.right, negated);
      if (!isAnd) return [...l, ...r].slice(0, 32);
      const out: Leaf[][] = [];
      for (const a of l) for (const b of r) out.push([...a, ...b]);
      return out.slice(0, 32);
    }
  }
}

export function ruleToMatches(rule: string, syntax: 'v2' | 'v3', drop: (message: string) => void): PMatch[] {
  const parsed = parseRule(rule);
  if (!parsed.ok) {
    drop(`the rule ${rule} does not parse; the route is left out`);
    return [];
  }
  const names = Object.keys(syntax === 'v2' ? V2_MATCHERS : V3_MATCHERS);
  return dnf(parsed.tree).map((term) => {
    const m = emptyMatch();
    for (const leaf of term) {
      const name = resolveMatcherName(leaf.name, names) ?? leaf.name;
      const args = leaf.args.map((a) => a.value);
      const text = `${leaf.negated ? '!' : ''}${leaf.name}(${args.map((a) => `\`${a}\``).join(', ')})`;
      if (leaf.negated) {
        drop(`${text}: a negated matcher cannot be expressed; the translated route matches without it`);
        continue;
      }
      const setPath = (kind: NonNullable<PMatch['path']>['kind'], value: string): void => {
        if (m.path) drop(`${text}: one match holds one path condition; it is left out`);
        else m.path = { kind, value };
      };
      switch (name) {
        case 'Host':
        case 'HostHeader':
          if (m.hosts.length > 0) drop(`${text}: two Host conditions in one AND never both hold; the second is left out`);
          else m.hosts.push(...args.map((a) => a.toLowerCase()));
          break;
        case 'Path':
          setPath('exact', args[0] ?? '/');
          break;
        case 'PathPrefix':
          setPath('prefix', args[0] ?? '/');
          break;
        case 'PathRegexp':
          setPath('regex', args[0] ?? '');
          break;
        case 'Method':
          m.methods.push(...args.map((a) => a.toUpperCase()));
          break;
        case 'Header':
        case 'Headers':
          for (let i = 0; i + 1 < args.length; i += 2) m.headers.push({ name: args[i] as string, value: args[i + 1] as string, regex: false });
          break;
        case 'HeaderRegexp':
        case 'HeadersRegexp':
          for (let i = 0; i + 1 < args.length; i += 2) m.headers.push({ name: args[i] as string, value: args[i + 1] as string, regex: true });
          break;
        case 'Query':
          if (syntax === 'v2') {
            for (const a of args) {
              const [k, ...v] = a.split('=');
              m.query.push({ name: k ?? '', value: v.join('='), regex: false });
            }
          } else m.query.push({ name: args[0] ?? '', value: args[1] ?? '', regex: false });
          break;
        case 'QueryRegexp':
          m.query.push({ name: args[0] ?? '', value: args[1] ?? '', regex: args.length > 1 });
          break;
        default:
          drop(`${text}: ${name} has no counterpart in the portable model; the translated route matches without it`);
      }
    }
    return m;
  });
}
