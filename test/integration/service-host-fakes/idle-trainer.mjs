// A stand-in trainer for the service host's tests: takes its start and waits
// (as a real one loading its data does); answers pause and stop as a real one
// does before its first step, then exits. Forked by the host's node launcher.
process.on('message', (message) => {
  if (message?.type === 'pause') process.send({ type: 'paused' }, () => process.exit(0))
  if (message?.type === 'stop') process.send({ type: 'stopped' }, () => process.exit(0))
})
process.on('disconnect', () => process.exit(0))
