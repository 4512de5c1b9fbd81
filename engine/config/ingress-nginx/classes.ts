/**
 * Which Ingresses this ingress-nginx takes (internal/ingress/controller/store, ingressclass): the
 * controller is installed the way the Helm chart does it — IngressClass `nginx`, controller value
 * `k8s.io/ingress-nginx`, not the default class, `--watch-ingress-without-class=false`. An Ingress for
 * another class, or with no class at all, is ignored by the real controller; gatelab says so.
 */
import { type AdaptContext, type ResourceNode, isRecord } from './context.ts';
import type { ParsedIngress } from './ingress-read.ts';

export const CONTROLLER = 'k8s.io/ingress-nginx';
export const DEFAULT_CLASS = 'nginx';

interface ClassInfo {
  controller: string;
  isDefault: boolean;
}

export function ingressClasses(nodes: readonly ResourceNode[]): Map<string, ClassInfo> {
  const out = new Map<string, ClassInfo>();
  for (const node of nodes) {
    const spec = isRecord(node.value['spec']) ? node.value['spec'] : {};
    const meta = isRecord(node.value['metadata']) ? node.value['metadata'] : {};
    const anns = isRecord(meta['annotations']) ? meta['annotations'] : {};
    out.set(node.name, {
      controller: typeof spec['controller'] === 'string' ? spec['controller'] : '',
      isDefault: anns['ingressclass.kubernetes.io/is-default-class'] === 'true',
    });
  }
  return out;
}

export function handledByNginx(ctx: AdaptContext, ing: ParsedIngress, classes: Map<string, ClassInfo>): boolean {
  const ignore = (at: Array<string | number>, why: string, hint: string): false => {
    ctx.warn(ing.node, at, 'GL_W_LESSON_DIFFERS', `ingress-nginx ignores Ingress ${ing.key}: ${why}`, hint);
    return false;
  };
  if (ing.classAnnotation !== undefined) {
    const at = ['metadata', 'annotations', 'kubernetes.io/ingress.class'];
    if (ing.classAnnotation !== DEFAULT_CLASS) return ignore(at, `its kubernetes.io/ingress.class is "${ing.classAnnotation}", not "${DEFAULT_CLASS}"`, 'use spec.ingressClassName: nginx');
    ctx.warn(ing.node, at, 'GL_W_DEPRECATED', 'the kubernetes.io/ingress.class annotation is deprecated since Kubernetes 1.18; ingress-nginx still honours it', 'write spec.ingressClassName: nginx instead');
    return true;
  }
  if (ing.className !== undefined) {
    const at = ['spec', 'ingressClassName'];
    const declared = classes.get(ing.className);
    if (declared) {
      if (declared.controller === CONTROLLER) return true;
      return ignore(at, `IngressClass ${ing.className} belongs to controller "${declared.controller}", not ${CONTROLLER}`, `point it at an IngressClass whose spec.controller is ${CONTROLLER}`);
    }
    if (ing.className === DEFAULT_CLASS) return true;
    return ignore(at, `no IngressClass "${ing.className}" for ingress-nginx exists (the Helm chart installs "${DEFAULT_CLASS}")`, `write ingressClassName: ${DEFAULT_CLASS}, or add the IngressClass`);
  }
  for (const [name, info] of classes) {
    // The API server's admission plugin fills in the default class for new Ingresses.
    if (info.isDefault && info.controller === CONTROLLER) {
      ctx.warn(ing.node, ['spec'], 'GL_W_NO_EFFECT', `Ingress ${ing.key} has no class; IngressClass ${name} is the cluster default, so it is ingress-nginx's`);
      return true;
    }
  }
  return ignore(['spec'], 'it names no IngressClass, and ingress-nginx (watch-ingress-without-class: false, the default) only takes Ingresses of its class', 'add spec.ingressClassName: nginx');
}
