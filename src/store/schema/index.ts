// All tables. Each concern keeps its tables in its own file.
export * from './messages.js';
export * from './contacts.js';
export * from './complaints.js';
