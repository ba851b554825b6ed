// 'settings/*': the home's settings, today how many runs train at once.
import type { ParsedHandlers } from '../../../shared/api.ts'
import type { ServiceCore } from '../context.ts'

type SettingsHandlers = Pick<ParsedHandlers, 'settings/get' | 'settings/set'>

export function settingsHandlers(core: ServiceCore): SettingsHandlers {
  return {
    async 'settings/get'() {
      return core.scheduler.slots()
    },

    async 'settings/set'({ slots }) {
      const view = core.scheduler.setSlots(slots)
      // the queue view shows the slots beside the running runs
      core.queueChanged()
      return view
    }
  }
}
