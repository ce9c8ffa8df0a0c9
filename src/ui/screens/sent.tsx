// Sent: the history of complaints that went out or ended, with state, recipient,
// time and the SMTP answer; R retries a failed one (or one whose outcome is unknown,
// after the operator checked).
import { sanitizeLine } from '../../core/sanitize.js';
import { useMemo, type ReactNode } from 'react';
import { complaintDetail, complaintSource } from '../../services/desk.js';
import { retryComplaint } from '../../services/outbox.js';
import type { ComplaintRow } from '../../store/schema/complaints.js';
import type { ScreenProps } from '../app.js';
import { ListView, windowProps } from '../components/list-view.js';
import { complaintOverlay, sendNow } from '../complaint-actions.js';
import { useDesk } from '../desk-context.js';
import { cell, shortTime } from '../format.js';
import { usePagedList } from '../hooks/use-paged-list.js';
import { useLazySource } from '../hooks/use-lazy-source.js';

function sentState(c: ComplaintRow): string {
  if (c.state === 'sending' && c.needsOperator) return 'unknown';
  if (c.state === 'sent' && c.bouncedAt) return 'bounced';
  return c.state;
}

export function sentRow(c: ComplaintRow, width: number): string {
  const answer = c.state === 'sent' ? c.smtpResponse : c.state === 'rejected' ? c.rejectReason : (c.smtpResponse ?? c.lastError);
  const fixed = 8 + 1 + 11 + 1 + 15 + 1 + 22 + 1;
  return `${cell(sentState(c), 8)} ${shortTime(c.sentAt ?? c.updatedAt).slice(5)} ${cell(c.ip, 15)} ${cell(c.recipient, 22)} ${cell(answer, Math.max(8, width - fixed - 2))}`;
}

const RETRYABLE = (c: ComplaintRow) => c.state === 'failed' || (c.state === 'sending' && c.needsOperator);

export function SentScreen({ visible, width, height }: ScreenProps): ReactNode {
  const desk = useDesk();
  const { store } = desk.deps;
  const allRows = useMemo(() => complaintSource(store, 'sent'), [store]);
  const lazy = useLazySource(allRows, visible);
  const list = usePagedList(lazy.source, height - 1, desk.version);
  const selected = list.selected;

  desk.register('sent', {
    scope: 'sent',
    disabled: () => {
      if (!selected) return { open: 'nothing sent yet', retry: 'nothing sent yet' };
      if (!RETRYABLE(selected)) return { retry: `only failed complaints (or sends with an unknown outcome) can be retried; this one is ${sentState(selected)}` };
      if (desk.busy) return { retry: 'wait: work is running' };
      return {};
    },
    onCommand: (command) => {
      if (list.handle(command)) return true;
      if (!selected) return false;
      if (command === 'open') {
        const detail = complaintDetail(store, selected.id);
        if (detail) desk.push(complaintOverlay(detail));
        return true;
      }
      if (command === 'retry') {
        const run = () => {
          const result = retryComplaint(store, selected.id);
          if (!result.ok) return desk.flash(`not retried: ${result.error}`, 'warning');
          desk.changed();
          void sendNow(desk, [selected.id]).then(() => desk.changed());
        };
        if (selected.needsOperator) {
          desk.push({
            kind: 'confirm',
            message: `Complaint #${selected.id} may already have been delivered to ${sanitizeLine(selected.recipient)}. Send it again?`,
            onYes: run,
          });
        } else run();
        return true;
      }
      return false;
    },
  });
  if (!visible) return null;
  return (
    <ListView
      header="State    When (UTC)  IP              Recipient              SMTP answer / reason"
      {...windowProps(list)}
      height={height}
      empty="Nothing sent yet."
      rowKey={(c) => String(c.id)}
      renderRow={(c) => sentRow(c, width)}
      tone={(c) => (c.state === 'failed' || sentState(c) === 'bounced' ? 'danger' : sentState(c) === 'unknown' ? 'warning' : c.state === 'rejected' ? 'muted' : undefined)}
    />
  );
}
