// Switchboard webhook for Zabbix 6.0+ (media type "Switchboard", type Webhook).
// Posts one JSON object per problem, recovery or update notification to Switchboard, with the
// instance secret in the X-Switchboard-Token header. ES5 only: Zabbix runs it in Duktape.
var Switchboard = {
  // A macro that does not apply stays literal ("{EVENT.RECOVERY.ID}" on a problem).
  isSet: function (text) {
    return (
      typeof text === 'string' &&
      text !== '' &&
      text !== '*UNKNOWN*' &&
      !/^\{[$#]?[A-Z][^{}]*\}$/.test(text)
    );
  },

  // {EVENT.DATE} and {EVENT.TIME} are in the server's local time zone, which is also the zone
  // Duktape's Date uses here: this turns them into an unambiguous UTC timestamp.
  timestamp: function (date, time) {
    if (!Switchboard.isSet(date) || !Switchboard.isSet(time)) return undefined;
    var d = /^(\d{4})\.(\d{2})\.(\d{2})$/.exec(date);
    var t = /^(\d{2}):(\d{2}):(\d{2})$/.exec(time);
    if (!d || !t) return undefined;
    var local = new Date(+d[1], +d[2] - 1, +d[3], +t[1], +t[2], +t[3]);
    return local.toISOString();
  },

  body: function (params) {
    var body = {};
    for (var key in params) {
      if (params.hasOwnProperty(key) && key !== 'url' && key !== 'token' && key !== 'http_proxy') {
        body[key] = params[key];
      }
    }
    try {
      body.event_tags = JSON.parse(params.event_tags);
    } catch (error) {
      body.event_tags = [];
    }
    var problem = Switchboard.timestamp(params.event_date, params.event_time);
    var recovery = Switchboard.timestamp(params.event_recovery_date, params.event_recovery_time);
    var update = Switchboard.timestamp(params.event_update_date, params.event_update_time);
    if (problem) body.event_timestamp = problem;
    if (recovery) body.event_recovery_timestamp = recovery;
    if (update) body.event_update_timestamp = update;
    return body;
  },

  send: function (params) {
    if (!Switchboard.isSet(params.url) || !/^https?:\/\//.test(params.url)) {
      throw 'parameter "url" must be the Switchboard webhook URL (user media "Send to")';
    }
    if (!Switchboard.isSet(params.token) || params.token.charAt(0) === '<') {
      throw 'parameter "token" must be set to the instance webhook secret';
    }
    var request = new HttpRequest();
    if (Switchboard.isSet(params.http_proxy)) request.setProxy(params.http_proxy);
    request.addHeader('Content-Type: application/json');
    request.addHeader('X-Switchboard-Token: ' + params.token);
    var response = request.post(params.url, JSON.stringify(Switchboard.body(params)));
    var status = request.getStatus();
    if (status < 200 || status >= 300) {
      throw 'HTTP ' + status + ': ' + String(response).substring(0, 200);
    }
    return 'OK';
  },
};

try {
  return Switchboard.send(JSON.parse(value));
} catch (error) {
  // Never log the parameters: they hold the token.
  Zabbix.log(3, '[Switchboard webhook] failed: ' + error);
  throw 'Switchboard webhook failed: ' + error;
}
