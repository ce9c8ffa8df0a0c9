// Search: every stored report for an IP, a CIDR range or a Message-ID (and, for a
// Message-ID, the mails themselves, which may hold no report); n/N step through.
import { Box, Text } from 'ink';
import { useMemo, type ReactNode } from 'react';
import { messageDetail, search } from '../../services/desk.js';
import type { ReportRow } from '../../store/schema/messages.js';
import type { ScreenProps } from '../app.js';
import { ListView, windowProps } from '../components/list-view.js';
import { useTheme } from '../components/theme-context.js';
import { useDesk } from '../desk-context.js';
import { cell, numberCell, shortTime } from '../format.js';
import { usePagedList } from '../hooks/use-paged-list.js';
import { messageOverlay } from './message-detail.js';
import { sanitizeLine } from '../../core/sanitize.js';

export function reportRow(r: ReportRow, width: number): string {
  const fixed = 16 + 1 + 15 + 1 + 12 + 1 + 4 + 1;
  const flag = r.private ? 'p' : r.complaintId !== null ? 'c' : ' ';
  return `${shortTime(r.bannedAt)} ${cell(r.ip, 15)}${flag}${cell(r.service, 12)} ${numberCell(r.failures, 4)} ${cell(r.reporter, Math.max(8, width - fixed - 3))}`;
}

export function SearchScreen({ visible, width, height }: ScreenProps): ReactNode {
  const desk = useDesk();
  const theme = useTheme();
  const result = useMemo(() => (desk.searchText === null ? null : search(desk.deps.store, desk.searchText)), [desk.deps.store, desk.searchText]);
  const mailsShown = result && result.messages.length > 0 ? Math.min(3, result.messages.length) + 1 : 0;
  const list = usePagedList(result?.reports ?? null, height - 2 - mailsShown, desk.version);

  desk.register('search', {
    scope: 'list',
    disabled: () => (result ? (list.selected || result.messages.length ? {} : { open: 'no result here' }) : { open: 'press / to search' }),
    onCommand: (command) => {
      if (list.handle(command)) return true;
      if (command === 'open') {
        const id = list.selected?.messageRowId ?? result?.messages[0]?.id;
        if (id === undefined) return false;
        const detail = messageDetail(desk.deps.store, id);
        if (detail) desk.push(messageOverlay(detail));
        return true;
      }
      return false;
    },
  });
  if (!visible) return null;
  if (!result) {
    return (
      <Box flexDirection="column" height={height}>
        <Text color={theme.text.muted}>Press / and type an IP address (192.0.2.7), a CIDR range (198.51.100.0/24)</Text>
        <Text color={theme.text.muted}>or a Message-ID. n/N step through the results from any screen.</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate-end">
        {`Search: ${sanitizeLine(result.label)}: ${list.window.total} report${list.window.total === 1 ? '' : 's'}`}
      </Text>
      {mailsShown ? (
        <Box flexDirection="column">
          <Text color={theme.text.accent}>{`Mails with this Message-ID: ${result.messages.length}`}</Text>
          {result.messages.slice(0, 3).map((m) => (
            <Text key={m.id} wrap="truncate-end">
              {`  ${shortTime(m.date ?? m.storedAt)} ${cell(m.kind, 9)} ${cell(m.subject, Math.max(10, width - 32))}`}
            </Text>
          ))}
        </Box>
      ) : null}
      <ListView
        header="Banned (UTC)     IP             ·Service      Fail Reporter"
        {...windowProps(list)}
        height={height - 1 - mailsShown}
        empty="No report matches."
        rowKey={(r) => String(r.id)}
        renderRow={(r) => reportRow(r, width)}
        tone={(r) => (r.private ? 'muted' : undefined)}
      />
    </Box>
  );
}
