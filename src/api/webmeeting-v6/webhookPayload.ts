/** Renders the plain v6 webhook payload of an event (webmeeting-v6 §11.1); app.ts hands it to the domain. */
import type { WebhookPayloadRenderer } from '../../domain/deps.js';

/** Placeholder until the Meeting presenter lands: the meeting ids only. */
export const renderV6WebhookPayload: WebhookPayloadRenderer = (_event, { meeting }) => JSON.stringify({ id: meeting.id, accountId: meeting.accountId });
