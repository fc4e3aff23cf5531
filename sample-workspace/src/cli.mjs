#!/usr/bin/env node
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { formatList, parseList } from './todo.mjs';

const FILE = process.env.TODO_FILE ?? 'todo.txt';
const load = () => (existsSync(FILE) ? parseList(readFileSync(FILE, 'utf8')) : []);
const save = (items) => writeFileSync(FILE, formatList(items));

const [command, ...rest] = process.argv.slice(2);
const items = load();
switch (command) {
  case 'add':
    items.push({ done: false, text: rest.join(' ') });
    save(items);
    break;
  case 'done': {
    const item = items[Number(rest[0]) - 1];
    if (!item) {
      console.error(`no item ${rest[0]}`);
      process.exit(1);
    }
    item.done = true;
    save(items);
    break;
  }
  case 'list':
  case undefined:
    items.forEach((item, i) => console.log(`${i + 1}. ${item.done ? '✓' : ' '} ${item.text}`));
    break;
  default:
    console.error('usage: cli.mjs add TEXT | done N | list');
    process.exit(2);
}
