// Incoming: stored mails, newest first, filtered by kind; Enter opens one.
import type { ReactNode } from 'react';
import { useMemo, useState } from 'react';
import { INCOMING_FILTERS, incomingSource, messageDetail, type IncomingFilter } from '../../services/desk.js';
import type { MessageSummary } from '../../store/repos/messages.js';
import type { ScreenProps } from '../app.js';
import { ListView, windowProps } from '../components/list-view.js';
import { useDesk } from '../desk-context.js';
import { cell, numberCell, shortTime } from '../format.js';
import { usePagedList } from '../hooks/use-paged-list.js';
import { messageOverlay } from './message-detail.js';

export function incomingRow(m: MessageSummary, width: number): string {
  const flags = `${m.error ? '!' : ' '}${m.trusted ? ' ' : 'u'}`;
  const fixed = 16 + 1 + 9 + 1 + 2 + 1 + 3 + 1;
  return `${shortTime(m.date ?? m.storedAt)} ${cell(m.kind, 9)} ${flags} ${numberCell(m.reportCount, 3)} ${cell((m.subject ?? m.messageId).replace(/^\[Fail2Ban\]\s*/, ''), Math.max(10, width - fixed - 3))}`;
}

export function IncomingScreen({ visible, width, height }: ScreenProps): ReactNode {
  const desk = useDesk();
  const [filter, setFilter] = useState<IncomingFilter>('all');
  const source = useMemo(() => incomingSource(desk.deps.store, filter), [desk.deps.store, filter]);
  const list = usePagedList(source, height - 1, desk.version);

  desk.register('incoming', {
    scope: 'incoming',
    disabled: () => (list.selected ? {} : { open: 'no mail here' }),
    onCommand: (command) => {
      if (list.handle(command)) return true;
      if (command === 'filter') {
        setFilter((f) => INCOMING_FILTERS[(INCOMING_FILTERS.indexOf(f) + 1) % INCOMING_FILTERS.length]!);
        return true;
      }
      if (command === 'open' && list.selected) {
        const detail = messageDetail(desk.deps.store, list.selected.id);
        if (detail) desk.push(messageOverlay(detail));
        else desk.flash('that mail is no longer in the store', 'warning');
        return true;
      }
      return false;
    },
  });
  if (!visible) return null;
  return (
      <ListView
        header={`When (UTC)       Kind      !u  Rep Subject   [filter: ${filter}]`}
        {...windowProps(list)}
        height={height}
        empty={filter === 'all' ? 'No mail stored yet. Fetch (F) or run abusedesk import.' : `No mail matches the filter "${filter}" (f: next filter).`}
        rowKey={(m) => String(m.id)}
        renderRow={(m) => incomingRow(m, width)}
        tone={(m) => (m.error ? 'danger' : !m.trusted ? 'warning' : undefined)}
      />
  );
}
