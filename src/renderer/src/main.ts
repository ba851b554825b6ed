import './zod-jitless.ts'
import { createApp } from 'vue'
import App from './App.vue'
import { createLabClient } from './api/client.ts'
import { LAB_CLIENT, LAB_CONNECTION } from './api/inject.ts'

const lab = createLabClient()
createApp(App, { problem: lab.problem }).provide(LAB_CLIENT, lab.client).provide(LAB_CONNECTION, lab.connection).mount('#app')
