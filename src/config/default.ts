/** EMBEDDED_SOURCE names the built-in configuration in messages. */
export const EMBEDDED_SOURCE = "<embedded default>";

/**
 * embeddedDefault is the configuration used when no file is found: it checks this host and prints to the console.
 * The state goes to /var/lib/watchdog when that is writable, else under the user's home.
 */
export function embeddedDefault(stateFile: string, extraChecks = ""): string {
  return `# Built in: used when no watchdog.yaml is found. Write your own from config.example.yaml.
state_file: ${JSON.stringify(stateFile)}
channels:
  console:
    type: console
escalation:
  - after: 1
    notify: [console]
repeat_every: 30m
checks:
  - name: host
    type: system
    disk: {paths: ["/"], warning: 85, critical: 95}
    memory: {warning: 90, critical: 97}
${extraChecks}`;
}
