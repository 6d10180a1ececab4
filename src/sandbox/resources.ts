/**
 * The stateful endpoints, by resource: each handler is keyed by `METHOD /path/template` as the
 * catalog (or its extended set, for endpoints beyond it) spells the endpoint. Every other endpoint is
 * answered by generic.ts with an example that says it kept no state. The README's table of stateful
 * endpoints is generated from this list.
 */
import { groupHandlers, roleHandlers, trackingFieldHandlers, userHandlers } from "./accounts.js";
import type { Handler, HandlerTable } from "./http.js";
import { meetingHandlers, pastMeetingHandlers, recordingHandlers, webinarHandlers } from "./meetings.js";
import { callQueueHandlers, phoneSiteHandlers, phoneUserHandlers } from "./phone.js";
import { roomHandlers, roomLocationHandlers } from "./rooms.js";
import { meetingSummaryHandlers, recordingAnalyticsHandlers, transcriptHandlers } from "./summaries.js";

export interface StatefulResource {
  /** What an agent would call it. */
  readonly resource: string;
  readonly handlers: HandlerTable;
}

export const statefulResources: readonly StatefulResource[] = [
  { resource: "Users (status, email, type, settings)", handlers: userHandlers },
  { resource: "Groups, group members and group settings", handlers: groupHandlers },
  { resource: "Roles and role members (a user's role)", handlers: roleHandlers },
  { resource: "Meetings (settings, occurrences, live stream, polls, registrants)", handlers: meetingHandlers },
  { resource: "Webinars (settings, occurrences, panelists, polls, registrants)", handlers: webinarHandlers },
  { resource: "Past meetings and participants", handlers: pastMeetingHandlers },
  { resource: "Cloud recordings (trash and recover) and their settings", handlers: recordingHandlers },
  { resource: "Meeting transcripts (of recorded past meetings)", handlers: transcriptHandlers },
  { resource: "AI Companion meeting summaries (of past meetings; a delete moves one to the trash)", handlers: meetingSummaryHandlers },
  { resource: "Recording analytics (views by participants, downloads by the host)", handlers: recordingAnalyticsHandlers },
  { resource: "Tracking fields", handlers: trackingFieldHandlers },
  { resource: "Phone sites", handlers: phoneSiteHandlers },
  { resource: "Phone users", handlers: phoneUserHandlers },
  { resource: "Call queues, members and manager", handlers: callQueueHandlers },
  { resource: "Zoom Rooms and their settings", handlers: roomHandlers },
  { resource: "Zoom Rooms locations and their settings", handlers: roomLocationHandlers },
];

export const statefulHandlers: Readonly<Record<string, Handler>> = Object.assign({}, ...statefulResources.map((r) => r.handlers));
