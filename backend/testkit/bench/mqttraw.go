package bench

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/eclipse/paho.mqtt.golang/packets"
)

// rawPublisher publishes QoS 0 messages over a plain MQTT 3.1.1
// connection of its own, writing the PUBLISH packets through a 64 KiB
// buffer: with nothing to acknowledge at QoS 0, the broker's reading is
// all that paces it, so that a burst goes as fast as the broker takes it
// and the publisher's own CPU matters little. (paho writes and schedules
// each message on its own, several times the cost.)
type rawPublisher struct {
	conn net.Conn
	w    *bufio.Writer
	buf  []byte
}

// dialRawPublisher connects to uri (tcp://host:port) and waits for the
// broker's CONNACK.
func dialRawPublisher(uri string) (*rawPublisher, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return nil, err
	}
	conn, err := net.DialTimeout("tcp", u.Host, 10*time.Second)
	if err != nil {
		return nil, fmt.Errorf("MQTT publisher: %w", err)
	}
	var id [8]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails.
	connect := packets.NewControlPacket(packets.Connect).(*packets.ConnectPacket)
	connect.ProtocolName, connect.ProtocolVersion = "MQTT", 4
	connect.CleanSession = true
	connect.ClientIdentifier = "pulse-bench-burst-" + hex.EncodeToString(id[:])
	connect.Keepalive = 0 // no pings to answer
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if err := connect.Write(conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("MQTT publisher: CONNECT: %w", err)
	}
	answer, err := packets.ReadPacket(conn)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("MQTT publisher: CONNACK: %w", err)
	}
	if ack, ok := answer.(*packets.ConnackPacket); !ok || ack.ReturnCode != packets.Accepted {
		conn.Close()
		return nil, fmt.Errorf("MQTT publisher: the broker refused the connection: %v", answer)
	}
	_ = conn.SetDeadline(time.Time{})
	return &rawPublisher{conn: conn, w: bufio.NewWriterSize(conn, 64<<10)}, nil
}

// publish buffers one PUBLISH packet at QoS 0.
func (p *rawPublisher) publish(topic string, payload []byte) error {
	p.buf = AppendMQTTPublish(p.buf[:0], topic, payload)
	_, err := p.w.Write(p.buf)
	return err
}

// close writes what is buffered, then DISCONNECT, and closes the
// connection.
func (p *rawPublisher) close() error {
	_, err := p.w.Write([]byte{packets.Disconnect << 4, 0})
	err = errors.Join(err, p.w.Flush())
	return errors.Join(err, p.conn.Close())
}

// AppendMQTTPublish appends an MQTT 3.1.1 PUBLISH packet of payload to
// topic at QoS 0, not retained, to b.
func AppendMQTTPublish(b []byte, topic string, payload []byte) []byte {
	b = append(b, packets.Publish<<4)
	remaining := 2 + len(topic) + len(payload)
	for {
		digit := byte(remaining % 128)
		remaining /= 128
		if remaining > 0 {
			digit |= 0x80
		}
		b = append(b, digit)
		if remaining == 0 {
			break
		}
	}
	b = append(b, byte(len(topic)>>8), byte(len(topic)))
	b = append(b, topic...)
	return append(b, payload...)
}
