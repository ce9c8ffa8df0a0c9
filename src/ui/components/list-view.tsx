// Draws only the visible rows of a windowed list; the selected row is inverse.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useTheme } from './theme-context.js';
import { sanitizeLine } from '../../core/sanitize.js';
import type { PagedList } from '../hooks/use-paged-list.js';

export interface ListViewProps<Row> {
  header: string;
  rows: Row[];
  /** Absolute position of rows[0]. */
  top: number;
  cursor: number;
  total: number;
  height: number;
  empty: string;
  rowKey(row: Row): string;
  renderRow(row: Row): string;
  /** Optional mark column (Space-marked rows). */
  marked?(row: Row): boolean;
  tone?(row: Row): 'danger' | 'warning' | 'muted' | undefined;
  /** Shown right-aligned in the header, before the position ("2 marked"). */
  status?: string;
}

/** The window of a paged list as ListView props: `<ListView {...windowProps(list)} ... />`. */
export function windowProps<Row>(list: PagedList<Row>): Pick<ListViewProps<Row>, 'rows' | 'top' | 'cursor' | 'total'> {
  return { rows: list.view.rows, top: list.view.top, cursor: list.window.cursor, total: list.window.total };
}

export function ListView<Row>(props: ListViewProps<Row>): ReactNode {
  const theme = useTheme();
  const bodyHeight = Math.max(1, props.height - 1);
  const position = `${props.status ? `${props.status}  ` : ''}${props.total ? `${props.cursor + 1}/${props.total}` : '0'}`;
  const header = `${props.marked ? '  ' : ''}${props.header}`;
  return (
    <Box flexDirection="column" height={props.height}>
      <Box height={1} overflow="hidden">
        <Box flexGrow={1} flexShrink={1}>
          <Text bold wrap="truncate-end" color={theme.text.accent}>
            {header}
          </Text>
        </Box>
        <Box flexShrink={0}>
          <Text color={theme.text.muted}> {position}</Text>
        </Box>
      </Box>
      {props.rows.length === 0 ? (
        <Text color={theme.text.muted}>{props.empty}</Text>
      ) : (
        props.rows.slice(0, bodyHeight).map((row, i) => {
          const selected = props.top + i === props.cursor;
          const tone = props.tone?.(row);
          const color = selected ? theme.selection.foreground : tone ? (tone === 'muted' ? theme.text.muted : theme.status[tone]) : undefined;
          return (
            <Text
              key={props.rowKey(row)}
              wrap="truncate-end"
              inverse={selected && !theme.enabled}
              backgroundColor={selected ? theme.selection.background : undefined}
              color={color}
            >
              {props.marked ? (props.marked(row) ? '* ' : '  ') : ''}
              {/* Rows quote mails and registries: sanitised here, whatever the screen did. */}
              {sanitizeLine(props.renderRow(row))}
            </Text>
          );
        })
      )}
    </Box>
  );
}
