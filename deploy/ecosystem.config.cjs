// PM2 process file for the Orch server:  pm2 start deploy/ecosystem.config.cjs && pm2 save
// One instance only: Orch keeps one server per home (a second one refuses to start).
module.exports = {
  apps: [
    {
      name: 'orch',
      script: 'bin/orch.js',
      args: 'start --plugins business',
      cwd: '/opt/orch',
      interpreter: 'node',
      exec_mode: 'fork',
      instances: 1,
      env: { ORCH_HOME: '/var/lib/orch', NODE_ENV: 'production' },
      // PM2 stops with SIGINT, which Orch handles like SIGTERM; give it time to drain.
      kill_timeout: 60000,
      autorestart: true,
      restart_delay: 5000,
      max_restarts: 10,
      // Orch writes its own log (logs/app.jsonl); PM2's files only catch start-up messages.
      merge_logs: true,
    },
  ],
};
