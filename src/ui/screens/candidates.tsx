// Candidates: unused reports grouped by IP. The list comes from one keyset-paged
// aggregate; the contact and the policy's verdict are worked out for the rows on
// screen only (services/candidates evaluateIp, cache and overrides, no network).
// Actions: draft a complaint now, ignore the IP (with a note), add an override contact.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { sanitizeLine } from '../../core/sanitize.js';
import { evaluateIp, ignoreCandidate, unignoreCandidate, type CandidateView } from '../../services/candidates.js';
import { addContactOverride, candidateSource, type CandidateRow } from '../../services/desk.js';
import type { ScreenProps } from '../app.js';
import { ListView, windowProps } from '../components/list-view.js';
import { useDesk } from '../desk-context.js';
import { cell, numberCell, relativeTime, shortTime } from '../format.js';
import { usePagedList } from '../hooks/use-paged-list.js';
import { useLazySource } from '../hooks/use-lazy-source.js';
import type { TextOverlay } from '../state/focus.js';

export function candidateRow(c: CandidateRow, view: CandidateView | undefined, width: number, now: Date): string {
  const contact = view ? (view.contact.address ?? `(${view.contact.status})`) : '...';
  const verdict = view ? `${view.eligibility.eligible ? 'ready: ' : ''}${view.eligibility.reason}` : '';
  const fixed = 15 + 5 + 3 + 10 + 8 + 20;
  return `${cell(c.ip, 15)}${numberCell(c.reports, 4)} ${numberCell(c.reporters, 2)} ${cell(c.services, 9)} ${cell(relativeTime(c.lastSeen, now).replace(' ago', ''), 7)} ${cell(contact, 19)} ${cell(verdict, Math.max(8, width - fixed - 2))}`;
}

export function candidateOverlay(view: CandidateView): TextOverlay {
  const s = sanitizeLine;
  const c = view.contact;
  const lines = [
    `IP:          ${s(view.ip)}${view.private ? `  never reported: ${s(view.privateReason ?? 'private')}` : ''}`,
    `Verdict:     ${view.eligibility.eligible ? 'eligible' : 'not eligible'}: ${s(view.eligibility.reason)}`,
    `Contact:     ${s(c.address ?? '-')}  (${c.status}${c.source ? `, from ${s(c.source)}` : ''}${c.range ? `, range ${s(c.range)}` : ''}${c.confidence ? `, ${c.confidence} confidence` : ''})`,
  ];
  if (c.reason) lines.push(`             ${s(c.reason)}`);
  if (view.ignored) lines.push(`Ignored:     ${shortTime(view.ignored.at)}${view.ignored.note ? `: ${s(view.ignored.note)}` : ''}`);
  lines.push(
    `Reports:     ${view.reportCount} unused, ${view.eligibility.countedReports} counted now`,
    `Hosts:       ${view.reporters.map(s).join(', ') || '-'}`,
    `Services:    ${view.services.map(s).join(', ')}`,
    `Seen:        ${shortTime(view.firstSeen)} - ${shortTime(view.lastSeen)}`,
    '',
  );
  for (const r of view.candidate.reports) {
    lines.push(`# ${shortTime(r.bannedAt)}  ${s(r.service)}  from ${s(r.reporter ?? '-')}  ${r.failures ?? '?'} failures${r.trusted ? '' : '  UNTRUSTED'}  <${s(r.messageId)}>`);
    for (const line of r.logLines) lines.push(`    ${s(line)}`);
  }
  return { kind: 'text', title: `Candidate ${s(view.ip)}`, lines, top: 0 };
}

export function CandidatesScreen({ visible, width, height }: ScreenProps): ReactNode {
  const desk = useDesk();
  const { store, config } = desk.deps;
  const source = useMemo(() => candidateSource(store), [store]);
  const lazy = useLazySource(source, visible);
  const list = usePagedList(lazy.source, height - 1, desk.version);
  const now = desk.deps.now?.() ?? new Date();

  // Verdicts for the rows on screen, keyed by ipKey, dropped when the data changes.
  const views = useRef(new Map<string, CandidateView>());
  const viewsVersion = useRef(desk.version);
  const [, setFilled] = useState(0);
  if (viewsVersion.current !== desk.version) {
    views.current = new Map();
    viewsVersion.current = desk.version;
  }
  const visibleKeys = visible ? list.view.rows.map((r) => r.ipKey).join(',') : '';
  useEffect(() => {
    if (!visibleKeys) return;
    let cancelled = false;
    const missing = visibleKeys.split(',').filter((k) => !views.current.has(k));
    if (!missing.length) return;
    // Start once scrolling pauses: a held j must not queue behind verdict queries.
    const timer = setTimeout(() => void fill(), 60);
    const fill = async () => {
      for (const key of missing) {
        if (cancelled) return;
        try {
          const view = await evaluateIp(store, config, key, await evaluateOptions());
          if (view) views.current.set(key, view);
        } catch (err) {
          desk.flash(`cannot evaluate a candidate: ${(err as Error).message}`, 'danger');
          return;
        }
        // Let keys through between rows.
        await new Promise((r) => setImmediate(r));
      }
      if (!cancelled) setFilled((n) => n + 1);
    };
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [visibleKeys, store, config, desk, desk.version]);

  const selected = list.selected;
  const resolver = useRef<unknown>(null);
  const getResolver = async () => {
    if (!resolver.current) {
      const { ContactResolver } = await import('../../services/resolve-contact.js');
      resolver.current = new ContactResolver(store, config.lookup, { baseDir: desk.deps.configDir });
    }
    return resolver.current as InstanceType<typeof import('../../services/resolve-contact.js').ContactResolver>;
  };

  // Offline lookups (overrides, cache, the offline contacts file) cost no network:
  // with lookup.offline the list shows real contacts; otherwise only what is cached.
  const evaluateOptions = async () =>
    config.lookup.offline ? { now: desk.deps.now?.(), resolver: await getResolver(), lookup: true } : { now: desk.deps.now?.() };

  const draft = (ip: string, ipKey: string, force: boolean) => {
    void desk
      .runTask(`drafting a complaint about ${ip}`, async (progress) => {
        progress('looking up the abuse contact');
        const resolver = await getResolver();
        const now = desk.deps.now?.();
        if (!force) {
          // Ask before overriding the report rule or a daily cap (never for never-report addresses).
          const view = await evaluateIp(store, config, ipKey, { resolver, now, lookup: true });
          const e = view?.eligibility;
          if (e && !e.eligible && (e.blocking === 'policy' || e.blocking === 'cap')) return { ask: e.reason } as const;
        }
        const { draftCandidate } = await import('../../services/drafts.js');
        return draftCandidate(store, config, ip, { resolver, force, now });
      })
      .then((result) => {
        if (!result) return;
        if ('ask' in result) {
          desk.push({ kind: 'confirm', message: `${ip}: ${sanitizeLine(result.ask)}. Draft a complaint anyway?`, onYes: () => draft(ip, ipKey, true) });
        } else if (result.ok) desk.flash(`complaint #${result.complaintId} drafted for ${ip}: review it on Pending (3)`, 'ok');
        else desk.flash(`not drafted: ${result.error}`, 'warning');
      });
  };

  desk.register('candidates', {
    scope: 'candidates',
    disabled: () => {
      if (!selected) {
        const none = 'no candidate here';
        return { open: none, draft: none, ignore: none, override: none };
      }
      const view = views.current.get(selected.ipKey);
      const reasons: Record<string, string> = {};
      if (selected.private) reasons.draft = 'a private/reserved/own address is never reported';
      else if (view?.eligibility.blocking === 'never') reasons.draft = `never reported: ${view.eligibility.reason}`;
      if (desk.busy) reasons.draft = 'wait: work is running';
      return reasons;
    },
    onCommand: (command) => {
      if (list.handle(command)) return true;
      if (!selected) return false;
      const ip = selected.ip;
      switch (command) {
        case 'open': {
          void evaluateOptions().then((opts) => evaluateIp(store, config, selected.ipKey, opts)).then((view) => {
            if (view) desk.push(candidateOverlay(view));
            else desk.flash(`${ip} has no unused reports any more`, 'warning');
          });
          return true;
        }
        case 'draft':
          draft(ip, selected.ipKey, false);
          return true;
        case 'ignore': {
          const view = views.current.get(selected.ipKey);
          if (view?.ignored) {
            unignoreCandidate(store, ip);
            desk.flash(`${ip} is no longer ignored`, 'ok');
            desk.changed();
            return true;
          }
          desk.push({
            kind: 'prompt',
            label: `Ignore ${ip}: no complaints about it. A note (why)?`,
            value: '',
            onSubmit: (note) => {
              ignoreCandidate(store, ip, note.trim() || null);
              desk.flash(`${ip} is ignored (i again to undo)`, 'ok');
              desk.changed();
            },
          });
          return true;
        }
        case 'override': {
          const view = views.current.get(selected.ipKey);
          const target = view?.contact.range && !view.contact.range.includes(' ') ? view.contact.range : ip;
          desk.push({
            kind: 'prompt',
            label: `Abuse contact override for ${target}: the address to mail`,
            value: '',
            onSubmit: (address) => {
              const result = addContactOverride(store, target, address, 'added from the desk');
              if (result.ok) desk.flash(`override: ${result.cidr} -> ${result.address}`, 'ok');
              else desk.flash(`no override added: ${result.error}`, 'warning');
              desk.changed();
            },
          });
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
      header="IP              Rep Ho Services  Last    Contact             Verdict"
      {...windowProps(list)}
      height={height}
      empty="No candidates: every report is used in a complaint (or none stored yet)."
      rowKey={(c) => c.ipKey}
      renderRow={(c) => candidateRow(c, views.current.get(c.ipKey), width, now)}
      tone={(c) => {
        const v = views.current.get(c.ipKey);
        return c.private || v?.eligibility.blocking === 'never' ? 'muted' : v?.eligibility.eligible ? undefined : 'warning';
      }}
    />
  );
}
