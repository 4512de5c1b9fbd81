/**
 * The requests table's "status" and "decided by" cells. A request nobody in the pipeline replied to
 * was said to be decided by "the backend" even when the client gave up waiting (status 0) or the front
 * balancer answered: the cells now say who ended it, from the row's `source`.
 */
import type { RequestRow } from './trace-index.ts';

type Answered = Pick<RequestRow, 'status' | 'source' | 'decidedBy' | 'reason'>;

export function statusCell(row: Answered): string {
  if (row.source === 'client') return 'gave up';
  return row.status === null ? '…' : String(row.status);
}

export function decidedByCell(row: Answered): string {
  if (row.decidedBy) return `${row.decidedBy}: ${row.reason ?? ''}`.replace(/: $/, '');
  switch (row.source) {
    case 'client':
      return 'the client: it stopped waiting';
    case 'front':
      return 'the front balancer';
    case 'gateway':
      return 'the gateway';
    case 'upstream':
      return 'the backend';
    default:
      return '';
  }
}
