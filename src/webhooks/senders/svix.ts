// Simulated Standard Webhooks deliveries as Svix sends them for Clerk and Resend: svix-id, -timestamp and -signature
// headers (what both send), a fresh msg_ id per message, and the event time in the payload set to now.

import { randomUUID } from 'node:crypto';
import { emailDelivered, emailSent, userCreated, userDeleted, userUpdated } from '../fixtures/svix/events.js';
import { copy, randomId, type Sender } from './sender.js';

export const svixSender: Sender = {
  provider: 'standard',
  events: {
    'user.created': userCreated,
    'user.updated': userUpdated,
    'user.deleted': userDeleted,
    'email.sent': emailSent,
    'email.delivered': emailDelivered,
  },

  build(event, fixture, nowMs) {
    const payload = copy(fixture);
    const data = payload.data as Record<string, unknown>;
    if (event.startsWith('user.')) {
      // Clerk: epoch ms; a new user for user.created, the sample's own user for its later events.
      payload.timestamp = nowMs;
      if (event === 'user.created') data.id = randomId('user_', 27);
      if (event !== 'user.deleted') data.updated_at = nowMs;
    } else {
      // Resend: ISO times, a fresh email per event.
      payload.created_at = data.created_at = new Date(nowMs).toISOString();
      data.email_id = randomUUID();
    }
    return {
      headers: [
        ['Content-Type', 'application/json'],
        ['User-Agent', 'Svix-Webhooks/1.0'],
        // Sent signed or not: the message id is how a redelivery is told apart, and how Svix is recognised.
        ['svix-id', randomId('msg_', 27)],
        ['svix-timestamp', String(Math.floor(nowMs / 1000))],
        ['svix-signature', ''],
      ],
      body: Buffer.from(JSON.stringify(payload)),
      signatureHeaders: ['svix-signature'],
    };
  },
};
