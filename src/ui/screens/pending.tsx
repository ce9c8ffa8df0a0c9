// Pending: drafts, approved and deferred complaints. Approve (and send), edit the
// text in $EDITOR, change the recipient, reject with a reason, defer, send now.
// Space marks several; an action then applies to all marked, after a confirmation
// that says how many and to whom.
import { sanitizeLine } from '../../core/sanitize.js';
import { useMemo, useState, type ReactNode } from 'react';
import { complaintDetail, complaintsByIds, complaintSource } from '../../services/desk.js';
import { approveComplaints, deferComplaints, rejectComplaints } from '../../services/outbox.js';
import { editDraft } from '../../services/drafts.js';
import type { ComplaintRow } from '../../store/schema/complaints.js';
import type { ScreenProps } from '../app.js';
import { ListView, windowProps } from '../components/list-view.js';
import { complaintOverlay, describeTransitions, plural, recipientsSummary, sendNow } from '../complaint-actions.js';
import { useDesk } from '../desk-context.js';
import { editComplaintText, editorCommand } from '../editor.js';
import { cell } from '../format.js';
import { usePagedList } from '../hooks/use-paged-list.js';
import { useLazySource } from '../hooks/use-lazy-source.js';
import type { Command } from '../keys.js';
import { toggleMark } from '../state/marks.js';
import { useRefState } from '../hooks/use-ref-state.js';

export function pendingRow(c: ComplaintRow, width: number): string {
  const fixed = 8 + 1 + 6 + 1 + 16 + 1 + 26 + 1 + 2;
  return `${cell(c.state, 8)} #${String(c.id).padEnd(5)}${cell(c.ip, 16)} ${cell(c.recipient, 26)} ${cell(c.subject, Math.max(8, width - fixed - 2))}`;
}

const EDITABLE = new Set(['draft', 'deferred']);

export function PendingScreen({ visible, width, height }: ScreenProps): ReactNode {
  const desk = useDesk();
  const { store } = desk.deps;
  const allRows = useMemo(() => complaintSource(store, 'pending'), [store]);
  const lazy = useLazySource(allRows, visible);
  const list = usePagedList(lazy.source, height - 1, desk.version);
  const [getMarks, setMarks] = useRefState<Set<string>>(() => new Set());
  const [, setTick] = useState(0);

  const selected = list.selected;
  const marks = getMarks();
  /** The complaints an action applies to: the marked ones, else the selected one. */
  const targets = (): ComplaintRow[] => {
    const marked = [...getMarks()].map(Number);
    if (marked.length) return complaintsByIds(store, marked);
    return selected ? complaintsByIds(store, [selected.id]) : [];
  };
  const afterAction = (verb: string, results: ReturnType<typeof approveComplaints>) => {
    const { message, ok } = describeTransitions(verb, results);
    desk.flash(message, ok ? 'ok' : 'warning');
    setMarks(new Set());
    desk.changed();
  };
  /** Runs `action` on the targets; with marks, asks first (how many, to whom). */
  const withTargets = (verb: string, action: (rows: ComplaintRow[]) => void) => {
    const rows = targets();
    if (!rows.length) return;
    if (getMarks().size === 0) return action(rows);
    desk.push({
      kind: 'confirm',
      message: `${verb} ${plural(rows.length, 'complaint')} to ${recipientsSummary(rows)}?`,
      onYes: () => action(rows),
    });
  };

  const disabled = (): Partial<Record<Command, string>> => {
    const reasons: Partial<Record<Command, string>> = {};
    const none = 'no complaint waits here';
    if (!selected) {
      for (const c of ['open', 'mark', 'approve', 'edit', 'recipient', 'reject', 'defer', 'sendNow'] as Command[]) reasons[c] = none;
      return reasons;
    }
    const anyMarked = marks.size > 0;
    if (!anyMarked) {
      if (selected.state === 'approved') reasons.approve = 'already approved (S sends it now)';
    }
    if (anyMarked) reasons.edit = 'edit works on one complaint: unmark first (Space)';
    else if (!EDITABLE.has(selected.state)) reasons.edit = `${selected.state} complaints cannot be edited: defer it first (z)`;
    else if (!editorCommand(desk.deps.env)) reasons.edit = 'set $VISUAL or $EDITOR';
    if (anyMarked) reasons.recipient = 'change the recipient of one complaint at a time: unmark first';
    else if (!EDITABLE.has(selected.state)) reasons.recipient = `${selected.state} complaints cannot be changed: defer it first (z)`;
    if (!anyMarked && selected.state === 'deferred') reasons.defer = 'already deferred';
    if (desk.busy) reasons.sendNow = 'wait: work is running';
    return reasons;
  };

  const approveAndSend = (rows: ComplaintRow[]) => {
    const results = approveComplaints(store, rows.map((r) => r.id), { by: 'operator' });
    afterAction('approved', results);
    const approved = results.filter((r) => r.ok).map((r) => r.id);
    if (approved.length) void sendNow(desk, approved).then(() => desk.changed());
  };

  desk.register('pending', {
    scope: 'pending',
    disabled,
    onCommand: (command) => {
      if (list.handle(command)) return true;
      if (!selected) return false;
      switch (command) {
        case 'open': {
          const detail = complaintDetail(store, selected.id);
          if (detail) desk.push(complaintOverlay(detail));
          return true;
        }
        case 'mark':
          setMarks((m) => toggleMark(m, String(selected.id)));
          list.moveBy(1);
          setTick((n) => n + 1);
          return true;
        case 'approve':
          withTargets('Approve and send', approveAndSend);
          return true;
        case 'sendNow':
          withTargets('Send now', (rows) => {
            const drafts = rows.filter((r) => r.state !== 'approved');
            if (drafts.length) approveComplaints(store, drafts.map((r) => r.id), { by: 'operator' });
            setMarks(new Set());
            desk.changed();
            void sendNow(desk, rows.map((r) => r.id)).then(() => desk.changed());
          });
          return true;
        case 'defer':
          withTargets('Defer', (rows) => afterAction('deferred', deferComplaints(store, rows.map((r) => r.id), { note: 'deferred from the desk' })));
          return true;
        case 'reject': {
          const rows = targets();
          desk.push({
            kind: 'prompt',
            label: `Reject ${plural(rows.length, 'complaint')} to ${recipientsSummary(rows)}: the reason (required)`,
            value: '',
            onSubmit: (reason) => {
              if (!reason.trim()) return desk.flash('not rejected: a reason is required', 'warning');
              afterAction('rejected', rejectComplaints(store, rows.map((r) => r.id), { reason: reason.trim() }));
            },
          });
          return true;
        }
        case 'recipient':
          desk.push({
            kind: 'prompt',
            label: `New recipient for complaint #${selected.id} (now ${sanitizeLine(selected.recipient)})`,
            value: sanitizeLine(selected.recipient),
            onSubmit: (value) => {
              const result = editDraft(store, selected.id, { recipient: value.trim() });
              desk.flash(result.ok ? `complaint #${selected.id} now goes to ${value.trim()}` : `not changed: ${result.error}`, result.ok ? 'ok' : 'warning');
              desk.changed();
            },
          });
          return true;
        case 'edit': {
          const current = complaintsByIds(store, [selected.id])[0];
          if (!current) return true;
          const handOver = desk.deps.handOver ?? (<T,>(fn: () => T) => fn());
          const result = editComplaintText(current, desk.deps.env, handOver);
          if (result.status === 'changed') {
            // editDraft checks the text as the drafting core does (the IP still named, not empty or absurd).
            const saved = editDraft(store, current.id, { subject: result.subject, bodyText: result.bodyText });
            desk.flash(saved.ok ? `complaint #${current.id}: text saved` : `not saved: ${saved.error}`, saved.ok ? 'ok' : 'danger');
          } else if (result.status === 'unchanged') desk.flash(`complaint #${current.id}: unchanged`, 'info');
          else desk.flash(result.error, 'danger');
          desk.changed();
          return true;
        }
        default:
          return false;
      }
    },
  });
  if (!visible) return null;
  return (
    <ListView
      header="State    #Id   IP               Recipient                  Subject"
      status={marks.size ? `[${marks.size} marked]` : undefined}
      {...windowProps(list)}
      height={height}
      empty="No complaint waits for review. Draft one on Candidates (2, then d)."
      rowKey={(c) => String(c.id)}
      renderRow={(c) => pendingRow(c, width)}
      marked={(c) => marks.has(String(c.id))}
      tone={(c) => (c.state === 'deferred' ? 'muted' : undefined)}
    />
  );
}
